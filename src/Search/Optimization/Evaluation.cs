namespace Qnn.Search.Optimization;

/// <summary>What a finished trial scored, as the optimizer sees it: <paramref name="Accuracy"/> is
/// maximized, <paramref name="Cost"/> (in the study's cost model) minimized.
/// <paramref name="Violation"/> is 0 for a feasible candidate and otherwise how far it lies outside
/// <c>--min-accuracy</c>/<c>--max-cost</c> (the lead's evaluation normalizes the two), or
/// <see cref="double.PositiveInfinity"/> for a spec that cannot be built or trained. Constraint
/// domination (see <see cref="Pareto.Dominates"/>) ranks every infeasible candidate behind every
/// feasible one, and infeasible ones among themselves by violation alone. A NaN anywhere (a
/// diverged run that slipped through) makes the candidate infeasible with violation +∞, so it can
/// never win a comparison.</summary>
public sealed record Evaluation(double Accuracy, double Cost, double Violation)
{
    /// <summary>Whether the candidate meets every constraint: its violation is 0 (or less) and
    /// neither objective is NaN.</summary>
    public bool IsFeasible => Violation <= 0 && !double.IsNaN(Accuracy) && !double.IsNaN(Cost);

    /// <summary>The violation constraint domination compares: 0 when feasible, +∞ for a NaN
    /// violation or objective, else <see cref="Violation"/>.</summary>
    public double EffectiveViolation =>
        IsFeasible ? 0 : double.IsNaN(Violation) || Violation <= 0 ? double.PositiveInfinity : Violation;
}
