using Qnn.Engine;
using TorchSharp;

namespace Qnn.Export;

/// <summary>
/// Turns a layer's BatchNorm (in evaluation) into what the engine applies to integer
/// pre-activations: logits through its affine form for the output layer, one sign threshold per
/// output for a hidden layer.
/// </summary>
internal static class BatchNormFolding
{
    /// <summary>Candidate pre-activations × outputs up to which thresholds are probed, not computed.</summary>
    private const long ProbeLimit = 32_000_000;

    private static (float[] Gamma, float[] Beta, float[] Mean, float[] Variance, double Epsilon) Parameters(TorchSharp.Modules.NormBase norm) =>
        (norm.weight!.detach().data<float>().ToArray(), norm.bias!.detach().data<float>().ToArray(),
         norm.running_mean!.data<float>().ToArray(), norm.running_var!.data<float>().ToArray(), norm.eps);

    /// <summary>The BatchNorm as y = α·x + β per output.</summary>
    public static (float[] Alpha, float[] Beta) Affine(TorchSharp.Modules.NormBase norm)
    {
        var p = Parameters(norm);
        var affine = p.Gamma.Select((g, j) => LayerOutput.Affine(g, p.Beta[j], p.Mean[j], p.Variance[j], (float)p.Epsilon)).ToArray();
        return (affine.Select(a => a.Alpha).ToArray(), affine.Select(a => a.Beta).ToArray());
    }

    /// <summary>Logits through the BatchNorm's affine form, each output's weight scale (if any) folded into α.</summary>
    public static LayerOutput Logits(TorchSharp.Modules.NormBase norm, float scale, float[]? channelScales)
    {
        var (alpha, beta) = Affine(norm);
        if (channelScales is not null)
            alpha = alpha.Select((a, j) => a * channelScales[j]).ToArray();
        return LayerOutput.Logits(alpha, beta, scale);
    }

    /// <summary>The affine form, each output's weight scale folded into α, then <paramref name="activation"/> in float.</summary>
    public static LayerOutput Activated(TorchSharp.Modules.NormBase norm, float scale, float[]? channelScales, OutputActivation activation, float parameter)
    {
        var (alpha, beta) = Affine(norm);
        if (channelScales is not null)
            alpha = alpha.Select((a, j) => a * channelScales[j]).ToArray();
        return LayerOutput.Activated(alpha, beta, scale, activation, parameter);
    }

    /// <summary>
    /// One threshold per output on the integer pre-activation z, whose real value is z·s/D (s the
    /// output's weight scale, 1 for plain binary weights; D the input-code denominator, 1 after
    /// the first layer). On ±1 inputs z is an integer in [-range, range]: the BatchNorm (in
    /// evaluation) is run on every z·s and the sign change read off, so float rounding folds in
    /// as libtorch rounds. On input codes (and for layers too wide to probe) the fold is exact
    /// arithmetic with μ·D/s and (σ² + ε)·D²/s²; a zero scale leaves sign(BatchNorm(0)).
    /// </summary>
    public static LayerOutput Thresholds(TorchSharp.Modules.NormBase norm, int range, bool codes, long denominator, bool twoDimensional, float[]? channelScales)
    {
        var p = Parameters(norm);
        var outputs = p.Gamma.Length;
        SignThreshold Folded(int j, double d)
        {
            var s = channelScales?[j] ?? 1.0;
            if (s == 0)
                return new SignThreshold(0, SignThreshold.Fold(p.Gamma[j], p.Beta[j], p.Mean[j], p.Variance[j], p.Epsilon).Fires(0) ? ThresholdDirection.Always : ThresholdDirection.Never);
            var unit = d / s;
            return SignThreshold.Fold(p.Gamma[j], p.Beta[j], p.Mean[j] * unit, p.Variance[j] * unit * unit, p.Epsilon * unit * unit);
        }
        var candidates = 2L * range + 1;
        if (codes || candidates * outputs > ProbeLimit)
            return LayerOutput.Signs(Enumerable.Range(0, outputs).Select(j => Folded(j, codes ? denominator : 1)).ToArray());
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var z = torch.arange(-range, range + 1, dtype: torch.ScalarType.Float32).unsqueeze(1).expand(candidates, outputs).contiguous();
        if (channelScales is not null)
            z = z.mul(torch.tensor(channelScales).unsqueeze(0));
        if (twoDimensional)
            z = z.reshape(candidates, outputs, 1, 1);
        var wasTraining = norm.training;
        norm.eval();
        var fires = ((torch.nn.Module<torch.Tensor, torch.Tensor>)norm).call(z).reshape(candidates, outputs).ge(0.0).data<bool>().ToArray();
        if (wasTraining) norm.train();
        var thresholds = new SignThreshold[outputs];
        for (var j = 0; j < outputs; j++)
            thresholds[j] = ReadThreshold(fires, j, outputs, range) ?? Folded(j, 1);
        return LayerOutput.Signs(thresholds);
    }

    /// <summary>
    /// Several thresholds per output on the integer pre-activation z (real value z·s/D): for each
    /// cut c, the z where BatchNorm(z·s/D) ≥ c (or &gt; c where <c>Strict</c>), folded exactly as
    /// <see cref="SignThreshold.Fold"/> folds c = 0. The output is values[number of cuts passed]:
    /// ternary activations cut at −t and (strictly) t, DoReFa codes at (ℓ − ½)/L for ℓ = 1..L.
    /// </summary>
    public static LayerOutput Levels(TorchSharp.Modules.NormBase norm, long denominator, float[]? channelScales, (double Cut, bool Strict)[] cuts, float[] values)
    {
        var p = Parameters(norm);
        var outputs = p.Gamma.Length;
        var boundaries = new SignThreshold[outputs * cuts.Length];
        for (var j = 0; j < outputs; j++)
        {
            var s = channelScales?[j] ?? 1.0;
            for (var k = 0; k < cuts.Length; k++)
            {
                var (cut, strict) = cuts[k];
                if (s == 0)
                {
                    // No weight: the output is the BatchNorm of 0 whatever z is.
                    var y = p.Beta[j] - p.Gamma[j] * p.Mean[j] / Math.Sqrt(p.Variance[j] + p.Epsilon);
                    boundaries[j * cuts.Length + k] = new SignThreshold(0, (strict ? y > cut : y >= cut) ? ThresholdDirection.Always : ThresholdDirection.Never);
                    continue;
                }
                var unit = denominator / s;
                boundaries[j * cuts.Length + k] = Cut(p.Gamma[j], p.Beta[j], p.Mean[j] * unit, p.Variance[j] * unit * unit, p.Epsilon * unit * unit, cut, strict);
            }
        }
        return LayerOutput.Levels(boundaries, cuts.Length, values);
    }

    /// <summary>
    /// DoReFa codes 0..L (cuts at (ℓ − ½)/L) on the integer pre-activation z (real value z·s/D)
    /// as integer requantization (<see cref="Requantization"/>), for z within ±<paramref name="bound"/>
    /// (the largest |z| the layer reaches). The cuts of one output lie on a line, P + ℓ·Q in z
    /// (Q = √(σ² + ε)/(γL) in z units), so the code is ⌊(x − σP)/|Q|⌋ clamped to 0..L with
    /// x = σz, σ the sign of γ: the base is the first level's exact threshold, the slope 1/|Q| and
    /// the code at the base in fixed point. One shift for the layer where every multiplier keeps
    /// at least 24 bits under it (float32's precision), else each output's own, the most that
    /// keeps its multiplier below 2^31: each cut then lies within L·2^−24 of a code unit of the
    /// exact one or closer, as fine as the float32 arithmetic of the BatchNorm itself.
    /// </summary>
    public static LayerOutput Requantized(TorchSharp.Modules.NormBase norm, long denominator, float[]? channelScales, int top, long bound)
    {
        var p = Parameters(norm);
        var outputs = p.Gamma.Length;
        var (bases, falling) = (new int[outputs], new bool[outputs]);
        // Per output: the slope and the code at the base (a line), or a constant code.
        var (slopes, at, constants) = (new double[outputs], new double[outputs], new int?[outputs]);
        for (var j = 0; j < outputs; j++)
        {
            var s = channelScales?[j] ?? 1.0;
            var (gamma, beta) = ((double)p.Gamma[j], (double)p.Beta[j]);
            if (s == 0 || gamma == 0)
            {
                // The output is the BatchNorm of 0 (no weight) or β (γ = 0) whatever z is.
                var y = s == 0 ? beta - gamma * p.Mean[j] / Math.Sqrt(p.Variance[j] + p.Epsilon) : beta;
                constants[j] = (int)Math.Clamp(Math.Floor(y * top + 0.5), 0, top);
                continue;
            }
            var unit = denominator / s;
            var sd = Math.Sqrt(p.Variance[j] * unit * unit + p.Epsilon * unit * unit);
            var sign = gamma > 0 ? 1 : -1;
            // The cuts in x = σz: σP + ℓ|Q|.
            var start = sign * (p.Mean[j] * unit - (0.5 / top + beta) * sd / gamma);
            var step = sd / Math.Abs(gamma) / top;
            var first = Math.Ceiling(start + step);
            falling[j] = sign < 0;
            if (first > bound)
            {
                constants[j] = 0;
                continue;
            }
            var x0 = Math.Max(first, -(double)bound);
            (slopes[j], at[j]) = (1 / step, (x0 - start) / step);
            if (at[j] >= top)
                constants[j] = top;
            else
                bases[j] = (int)x0;
        }
        int ShiftFor(double slope) => Math.Clamp((int)Math.Floor(Math.Log2(int.MaxValue / slope)), 0, Requantization.MaxShift);
        var lines = Enumerable.Range(0, outputs).Where(j => constants[j] is null).ToArray();
        var common = lines.Length == 0 ? 0 : lines.Min(j => ShiftFor(slopes[j]));
        var shared = lines.All(j => Math.ScaleB(slopes[j], common) >= 1 << 23);
        var (multipliers, offsets, shifts) = (new uint[outputs], new ulong[outputs], new byte[outputs]);
        for (var j = 0; j < outputs; j++)
        {
            var shift = shared ? common : constants[j] is null ? ShiftFor(slopes[j]) : 0;
            shifts[j] = (byte)shift;
            if (constants[j] is { } code)
            {
                (bases[j], falling[j], multipliers[j], offsets[j]) = (int.MinValue, false, 0, (ulong)code << shift);
                continue;
            }
            multipliers[j] = (uint)Math.Min(Math.Round(Math.ScaleB(slopes[j], shift)), int.MaxValue);
            offsets[j] = (ulong)Math.Floor(Math.ScaleB(at[j], shift));
        }
        return LayerOutput.Requantized(new Requantization(top, bases, falling, multipliers, offsets, shifts), Enumerable.Range(0, top + 1).Select(v => (float)v).ToArray());
    }

    /// <summary>γ(z − μ)/√(σ² + ε) + β ≥ c (or &gt; c) as one integer comparison on z.</summary>
    private static SignThreshold Cut(double gamma, double beta, double mean, double variance, double epsilon, double cut, bool strict)
    {
        const double limit = int.MaxValue / 2.0;
        if (gamma == 0)
            return new SignThreshold(0, (strict ? beta > cut : beta >= cut) ? ThresholdDirection.Always : ThresholdDirection.Never);
        var boundary = Math.Clamp(mean + (cut - beta) * Math.Sqrt(variance + epsilon) / gamma, -limit, limit);
        return gamma > 0
            ? new SignThreshold((int)(strict ? Math.Floor(boundary) + 1 : Math.Ceiling(boundary)), ThresholdDirection.AtLeast)
            : new SignThreshold((int)(strict ? Math.Ceiling(boundary) - 1 : Math.Floor(boundary)), ThresholdDirection.AtMost);
    }

    /// <summary>The threshold that reproduces a probed column, or null if the column is not monotone.</summary>
    private static SignThreshold? ReadThreshold(bool[] fires, int column, int columns, int fanIn)
    {
        bool At(int z) => fires[(z + fanIn) * columns + column];
        var changes = 0;
        for (var z = -fanIn + 1; z <= fanIn; z++)
        {
            if (At(z) != At(z - 1)) changes++;
        }
        if (changes == 0)
            return new SignThreshold(0, At(-fanIn) ? ThresholdDirection.Always : ThresholdDirection.Never);
        if (changes > 1)
            return null;
        if (!At(-fanIn))
        {
            var first = -fanIn;
            while (!At(first)) first++;
            return new SignThreshold(first, ThresholdDirection.AtLeast);
        }
        var last = -fanIn;
        while (At(last + 1)) last++;
        return new SignThreshold(last, ThresholdDirection.AtMost);
    }
}
