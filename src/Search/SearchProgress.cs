using Qnn.Search.Trials;

namespace Qnn.Search;

/// <summary>Where a search stands after a trial finished: finished trials against the budget,
/// the best accuracy among complete feasible trials, the current front's size, the rate since
/// this process started, and the trial that just finished.</summary>
public sealed record SearchProgress(int Finished, int Budget, double? BestAccuracy, int FrontSize, double TrialsPerMinute, Trial Last);
