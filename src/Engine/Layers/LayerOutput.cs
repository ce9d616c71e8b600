using System.Runtime.Intrinsics;

namespace Qnn.Engine;

/// <summary>
/// What a layer does with each output's integer pre-activation z: a folded BatchNorm + sign
/// (±1 out), or the BatchNorm as float logits y = (z·Scale)·α + β with α = γ/√(σ² + ε) and
/// β = bias - μ·α, the affine form libtorch evaluates in inference. Two more forms (format
/// version 5): <see cref="Levels"/>, several folded thresholds per output whose count of firing
/// ones picks the output value (ternary activations, DoReFa codes: integer-only), and
/// <see cref="Activated"/>, the affine form followed by an activation computed in float (ReLU,
/// identity, sign, ternary or DoReFa on a layer whose sums are real numbers or too wide to fold).
/// </summary>
public sealed class LayerOutput
{
    private LayerOutput(SignThreshold[]? thresholds, float[]? alpha, float[]? beta, float scale)
    {
        Thresholds = thresholds;
        Form = thresholds is not null ? OutputForm.Signs : OutputForm.Logits;
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
    public int Count => Thresholds?.Length ?? (LevelBoundaries is { } b ? b.Length / Steps : Alpha!.Length);

    /// <summary>Which of the four forms this output takes.</summary>
    public OutputForm Form { get; private init; }

    /// <summary>For <see cref="OutputForm.Levels"/>: <see cref="Steps"/> thresholds per output,
    /// output by output; the output is <see cref="LevelValues"/>[number of them that fire].</summary>
    public SignThreshold[]? LevelBoundaries { get; private init; }

    /// <summary>For <see cref="OutputForm.Levels"/>: the Steps + 1 output values, shared by all outputs.</summary>
    public float[]? LevelValues { get; private init; }

    /// <summary>For a <see cref="OutputForm.Levels"/> output given as integer requantization
    /// (k-bit codes): its four numbers an output, from which <see cref="LevelBoundaries"/> are
    /// derived; null where the thresholds are the output's own.</summary>
    public Requantization? Requantization { get; private init; }

    /// <summary>Thresholds per output of a <see cref="OutputForm.Levels"/> output (0 otherwise).</summary>
    public int Steps { get; private init; }

    /// <summary>The float activation of an <see cref="OutputForm.Activated"/> output (Identity for logits).</summary>
    public OutputActivation Activation { get; private init; }

    /// <summary>The ternary threshold t, or DoReFa's top code L = 2^k − 1 (as float32), of an activated output.</summary>
    public float Parameter { get; private init; }

    /// <summary>Whether the outputs are integers (±1, levels, ternary or DoReFa codes) that an
    /// integer layer can sum, rather than real numbers.</summary>
    public bool IntegerValued => Form is OutputForm.Signs or OutputForm.Levels
        || (Form == OutputForm.Activated && Activation is OutputActivation.Sign or OutputActivation.Ternary or OutputActivation.DoReFa);

    /// <summary>The largest |value| an integer-valued output gives (1 for signs).</summary>
    public double LargestValue => Form switch
    {
        OutputForm.Levels => LevelValues!.Max(v => Math.Abs((double)v)),
        OutputForm.Activated when Activation == OutputActivation.DoReFa => Parameter,
        _ => 1,
    };

    /// <summary>Bytes the output's parameters take in the file.</summary>
    public long ParameterBytes => Form switch
    {
        OutputForm.Signs => 5L * Count,
        OutputForm.Levels when Requantization is { } r => Engine.Requantization.FileBytes * r.Count + 4L * LevelValues!.Length,
        OutputForm.Levels => 5L * LevelBoundaries!.Length + 4L * LevelValues!.Length,
        _ => 8L * Count,
    };

    /// <summary>Integer outputs through <paramref name="steps"/> folded thresholds per output
    /// (<paramref name="boundaries"/>, output by output): output j is
    /// values[number of j's thresholds that fire]. The thresholds of one output must be nested
    /// (each firing set inside the previous one), as a monotone BatchNorm gives.</summary>
    public static LayerOutput Levels(SignThreshold[] boundaries, int steps, float[] values)
    {
        if (steps < 1 || values.Length != steps + 1 || boundaries.Length == 0 || boundaries.Length % steps != 0)
            throw new ArgumentException($"levels: {boundaries.Length} thresholds of {steps} per output and {values.Length} values do not fit");
        return new LayerOutput(null, null, null, 1) { Form = OutputForm.Levels, LevelBoundaries = boundaries, LevelValues = values, Steps = steps };
    }

    /// <summary>Integer codes through <paramref name="requantization"/>: output j is
    /// values[its code], the same as counting the thresholds <see cref="Engine.Requantization.Boundaries"/> gives.</summary>
    public static LayerOutput Requantized(Requantization requantization, float[] values)
    {
        var output = Levels(requantization.Boundaries(), requantization.Top, values);
        return new LayerOutput(null, null, null, 1)
        {
            Form = OutputForm.Levels, LevelBoundaries = output.LevelBoundaries, LevelValues = values, Steps = output.Steps, Requantization = requantization,
        };
    }

    /// <summary>The affine form y = (z·Scale)·α + β followed by <paramref name="activation"/>
    /// computed in float32 as the core computes it (<paramref name="parameter"/>: the ternary
    /// threshold, or DoReFa's top code L).</summary>
    public static LayerOutput Activated(float[] alpha, float[] beta, float scale, OutputActivation activation, float parameter) =>
        alpha.Length == beta.Length
            ? new(null, alpha, beta, scale) { Form = OutputForm.Activated, Activation = activation, Parameter = parameter }
            : throw new ArgumentException("alpha and beta differ in length");

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
        if (Requantization is { } requantization)
            return LevelValues![requantization.Code(j, z)];
        if (LevelBoundaries is { } boundaries)
        {
            var value = checked((int)z);
            var fired = 0;
            for (var s = 0; s < Steps; s++)
                if (boundaries[j * Steps + s].Fires(value)) fired++;
            return LevelValues![fired];
        }
        return Activate(z * Scale * Alpha![j] + Beta![j]);
    }

    /// <summary>The output value of output <paramref name="j"/> for a real pre-activation
    /// <paramref name="x"/> (a layer that sums real inputs or float weights): the affine form and
    /// the activation. Threshold forms take integer pre-activations only.</summary>
    public float ApplyReal(int j, float x) =>
        Form is OutputForm.Logits or OutputForm.Activated
            ? Activate(x * Scale * Alpha![j] + Beta![j])
            : throw new InvalidOperationException($"a {Form} output takes integer pre-activations");

    /// <summary>The activation of an activated output, in float32 with the core's operations.</summary>
    private float Activate(float y) => Activation switch
    {
        OutputActivation.Relu => y > 0 ? y : 0f,
        OutputActivation.Sign => y >= 0 ? 1f : -1f,
        OutputActivation.Ternary => y > Parameter ? 1f : y < -Parameter ? -1f : 0f,
        // DoReFa: round(clip(y, 0, 1)·L), the code; the next layer divides by L (as the core does).
        OutputActivation.DoReFa => MathF.Round(Math.Clamp(y, 0f, 1f) * Parameter, MidpointRounding.ToEven),
        _ => y,
    };

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
