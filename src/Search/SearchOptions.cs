using Qnn.Search.Costs;

namespace Qnn.Search;

/// <summary>What a search optimizes and how long: <paramref name="Trials"/> is the study's budget
/// of finished trials across all workers and restarts; <paramref name="Workers"/> candidates train
/// at once in this process; accuracy is maximized and the cost in <paramref name="Cost"/>
/// minimized, under the optional constraints <paramref name="MinAccuracy"/> (a fraction) and
/// <paramref name="MaxCost"/>.</summary>
public sealed record SearchOptions(int Trials, int Workers, CostModel Cost, double? MinAccuracy, double? MaxCost, int Seed);
