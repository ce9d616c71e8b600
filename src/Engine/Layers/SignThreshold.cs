namespace Qnn.Engine;

/// <summary>How a folded threshold compares.</summary>
public enum ThresholdDirection
{
    /// <summary>Fires when z &gt;= Threshold (BatchNorm scale γ &gt; 0).</summary>
    AtLeast,
    /// <summary>Fires when z &lt;= Threshold (γ &lt; 0: the sign flips).</summary>
    AtMost,
    /// <summary>Fires for every z (γ = 0 and β &gt;= 0).</summary>
    Always,
    /// <summary>Fires for no z (γ = 0 and β &lt; 0).</summary>
    Never,
}

/// <summary>
/// A BatchNorm followed by sign, folded into one integer comparison on the neuron's integer
/// pre-activation z (the ±1 dot product): sign(γ(z - μ)/√(σ² + ε) + β) = +1 exactly when
/// z ≥ ⌈μ - β√(σ² + ε)/γ⌉ for γ &gt; 0, and when z ≤ ⌊μ - β√(σ² + ε)/γ⌋ for γ &lt; 0 (dividing by a
/// negative γ flips the inequality); for γ = 0 the output is sign(β) whatever z is. sign(0) = +1.
/// This is the standard BNN inference transform: no float arithmetic is left at run time.
/// </summary>
public readonly record struct SignThreshold(int Threshold, ThresholdDirection Direction)
{
    private const double Limit = int.MaxValue / 2.0;

    /// <summary>Folds one neuron's BatchNorm (weight γ, bias β, running mean μ and variance σ², ε).</summary>
    public static SignThreshold Fold(double gamma, double beta, double mean, double variance, double epsilon)
    {
        if (gamma == 0)
            return new SignThreshold(0, beta >= 0 ? ThresholdDirection.Always : ThresholdDirection.Never);
        var boundary = mean - beta * Math.Sqrt(variance + epsilon) / gamma;
        boundary = Math.Clamp(boundary, -Limit, Limit);
        return gamma > 0
            ? new SignThreshold((int)Math.Ceiling(boundary), ThresholdDirection.AtLeast)
            : new SignThreshold((int)Math.Floor(boundary), ThresholdDirection.AtMost);
    }

    /// <summary>The pre-activations that fire, as the closed range [Low, High] (empty for Never),
    /// so that many neurons can be compared at once.</summary>
    public (int Low, int High) FiringRange => Direction switch
    {
        ThresholdDirection.AtLeast => (Threshold, int.MaxValue),
        ThresholdDirection.AtMost => (int.MinValue, Threshold),
        ThresholdDirection.Always => (int.MinValue, int.MaxValue),
        _ => (1, 0),
    };

    /// <summary>Whether the neuron outputs +1 for pre-activation <paramref name="z"/>.</summary>
    public bool Fires(int z) => FiringRange is var (low, high) && low <= z && z <= high;
}
