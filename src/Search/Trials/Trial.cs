using Qnn.Search.Genes;

namespace Qnn.Search.Trials;

/// <summary>One trial of a study as the store keeps it. Accuracies are fractions in [0, 1];
/// <see cref="Folds"/> holds each fold's test accuracy and <see cref="Accuracy"/> their mean
/// (<see cref="AccuracyStd"/> the population std). Costs are known for every trial with a valid
/// spec; <see cref="Error"/> says why a failed or infeasible one is.</summary>
public sealed record Trial(
    int Number,
    TrialState State,
    Genome Genome,
    string? SpecJson,
    IReadOnlyList<double> Folds,
    double? Accuracy,
    double? AccuracyStd,
    TrialCosts? Costs,
    double Seconds,
    string? Worker,
    string? Error)
{
    /// <summary>Whether the trial counts toward the budget: complete, failed or infeasible.</summary>
    public bool IsFinished => State is TrialState.Complete or TrialState.Failed or TrialState.Infeasible;
}
