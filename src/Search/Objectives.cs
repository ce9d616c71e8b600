using Qnn.Search.Costs;
using Qnn.Search.Optimization;
using Qnn.Search.Trials;

namespace Qnn.Search;

/// <summary>
/// A trial as the optimizer sees it: accuracy (maximized), the chosen cost (minimized), and how
/// far it is outside the constraints. Violation = max(0, min accuracy − accuracy) + max(0, cost /
/// max cost − 1): both in relative units, so neither swamps the other. Failed and infeasible
/// trials have an infinite violation (ranked behind every feasible one, as NSGA-II's constraint
/// domination wants), except a candidate left untrained because it does not fit the device
/// (<c>--max-flash</c>, <c>--max-ram</c>): 1 + how far it is over (flash / max flash − 1 + RAM /
/// max RAM − 1), behind every trained one and nearer the ones that fit the less it is over, so
/// the search moves towards the part. Running and queued trials have no result yet.
/// </summary>
public static class Objectives
{
    /// <summary>The trial's evaluation, or null while it is running or queued.</summary>
    public static Evaluation? Of(Trial trial, SearchOptions options) => trial.State switch
    {
        TrialState.Complete when trial.Accuracy is { } accuracy && trial.Costs is { } costs =>
            Scored(accuracy, CostModels.Pick(costs, options.Cost), options),
        TrialState.Infeasible when trial.Costs is { } costs && DeviceExcess(costs, options) is var excess && excess > 0 =>
            new Evaluation(0, CostModels.Pick(costs, options.Cost), 1 + excess),
        TrialState.Complete or TrialState.Failed or TrialState.Infeasible => new Evaluation(0, double.MaxValue, double.PositiveInfinity),
        _ => null,
    };

    private static Evaluation Scored(double accuracy, double cost, SearchOptions options) =>
        new(accuracy, cost, Violation(accuracy, cost, options));

    /// <summary>How far (accuracy, cost) lies outside the options' constraints; 0 inside.</summary>
    public static double Violation(double accuracy, double cost, SearchOptions options) =>
        Math.Max(0, (options.MinAccuracy ?? 0) - accuracy)
        + (options.MaxCost is { } limit && limit > 0 ? Math.Max(0, cost / limit - 1) : 0);

    /// <summary>How far <paramref name="costs"/> lie over the device limits, in relative units; 0 inside (or without limits).</summary>
    public static double DeviceExcess(TrialCosts costs, SearchOptions options) =>
        Over(costs.Flash, options.MaxFlash) + Over(costs.Ram, options.MaxRam);

    private static double Over(double? value, long? limit) =>
        value is { } v && limit is { } l && l > 0 ? Math.Max(0, v / l - 1) : 0;

    /// <summary>Every trial with its evaluation, in trial order, for a sampler.</summary>
    public static IReadOnlyList<Scored> History(IReadOnlyList<Trial> trials, SearchOptions options) =>
        trials.Select(t => new Scored(t.Genome, Of(t, options))).ToList();

    /// <summary>The feasible Pareto front of the complete trials, best accuracy first.</summary>
    public static IReadOnlyList<Trial> Front(IReadOnlyList<Trial> trials, SearchOptions options)
    {
        var complete = trials.Where(t => t.State == TrialState.Complete && t.Accuracy is not null && t.Costs is not null).ToList();
        var evaluations = complete.Select(t => Of(t, options)!).ToList();
        return Pareto.Front(evaluations).Select(i => complete[i])
            .OrderByDescending(t => t.Accuracy).ThenBy(t => CostModels.Pick(t.Costs!, options.Cost)).ToList();
    }
}
