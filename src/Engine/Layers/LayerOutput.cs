using System.Runtime.Intrinsics;

namespace Qnn.Engine;

/// <summary>
/// What a layer does with each output's integer pre-activation z: a folded BatchNorm + sign
/// (±1 out), or the BatchNorm as float logits y = (z·Scale)·α + β with α = γ/√(σ² + ε) and
/// β = bias - μ·α, the affine form libtorch evaluates in inference.
/// </summary>
public sealed class LayerOutput
{
    private LayerOutput(SignThreshold[]? thresholds, float[]? alpha, float[]? beta, float scale)
    {
        Thresholds = thresholds;
        if (thresholds is not null)
        {
            // Each threshold as the range of z that fires, so a vector compares 16 outputs at once.
            (lowest, highest) = (new int[thresholds.Length], new int[thresholds.Length]);
            for (var j = 0; j < thresholds.Length; j++)
                (lowest[j], highest[j]) = thresholds[j].FiringRange;
        }
        Alpha = alpha;
        Beta = beta;
        Scale = scale;
    }

    private readonly int[]? lowest;
    private readonly int[]? highest;

    /// <summary>Folded thresholds (sign outputs), or null for logits.</summary>
    public SignThreshold[]? Thresholds { get; }

    /// <summary>Per-output BatchNorm scale for logits.</summary>
    public float[]? Alpha { get; }

    /// <summary>Per-output BatchNorm shift for logits.</summary>
    public float[]? Beta { get; }

    /// <summary>The real value of one unit of z (1, or 1/L for input codes).</summary>
    public float Scale { get; }

    /// <summary>Outputs.</summary>
    public int Count => Thresholds?.Length ?? Alpha!.Length;

    /// <summary>±1 outputs through folded thresholds.</summary>
    public static LayerOutput Signs(SignThreshold[] thresholds) => new(thresholds, null, null, 1);

    /// <summary>Float logits through the BatchNorm's affine form.</summary>
    public static LayerOutput Logits(float[] alpha, float[] beta, float scale) =>
        alpha.Length == beta.Length ? new(null, alpha, beta, scale) : throw new ArgumentException("alpha and beta differ in length");

    /// <summary>The BatchNorm's affine form as libtorch computes it in float32.</summary>
    public static (float Alpha, float Beta) Affine(float gamma, float beta, float mean, float variance, float epsilon)
    {
        var inverseStd = 1f / MathF.Sqrt(variance + epsilon);
        var alpha = inverseStd * gamma;
        return (alpha, beta - mean * alpha);
    }

    /// <summary>The output value of output <paramref name="j"/> for pre-activation z.</summary>
    public float Apply(int j, long z)
    {
        if (Thresholds is not null)
            return Thresholds[j].Fires(checked((int)z)) ? 1f : -1f;
        return z * Scale * Alpha![j] + Beta![j];
    }

    /// <summary>outputs[j] = Apply(j, z[j]·multiplier) for every output; sign outputs with a
    /// multiplier of 1 compare 16 at a time.</summary>
    public void ApplyAll(ReadOnlySpan<int> z, long multiplier, Span<float> outputs)
    {
        var j = 0;
        if (lowest is not null && multiplier == 1 && Vector512.IsHardwareAccelerated)
        {
            var (plus, minus) = (Vector512.Create(1f), Vector512.Create(-1f));
            for (; j + 16 <= Count; j += 16)
            {
                var value = Vector512.Create(z.Slice(j, 16));
                var fires = Vector512.GreaterThanOrEqual(value, Vector512.Create(lowest.AsSpan(j, 16)))
                    & Vector512.LessThanOrEqual(value, Vector512.Create(highest!.AsSpan(j, 16)));
                Vector512.ConditionalSelect(fires.AsSingle(), plus, minus).CopyTo(outputs.Slice(j, 16));
            }
        }
        for (; j < Count; j++)
            outputs[j] = Apply(j, z[j] * multiplier);
    }

    /// <summary>outputs[k] = Apply(j, z[k]) for one output j (a channel) over many positions, for
    /// integer-valued z below 2^24 in magnitude (exact in float32).</summary>
    public void ApplyChannel(int j, ReadOnlySpan<float> z, Span<float> outputs)
    {
        var k = 0;
        if (lowest is not null && Vector512.IsHardwareAccelerated)
        {
            // Thresholds beyond ±2^24 round as floats but still lie beyond every z.
            var (low, high) = (Vector512.Create((float)lowest[j]), Vector512.Create((float)highest![j]));
            var (plus, minus) = (Vector512.Create(1f), Vector512.Create(-1f));
            for (; k + 16 <= z.Length; k += 16)
            {
                var value = Vector512.Create(z.Slice(k, 16));
                var fires = Vector512.GreaterThanOrEqual(value, low) & Vector512.LessThanOrEqual(value, high);
                Vector512.ConditionalSelect(fires, plus, minus).CopyTo(outputs.Slice(k, 16));
            }
        }
        for (; k < z.Length; k++)
            outputs[k] = Apply(j, (long)z[k]);
    }
}
