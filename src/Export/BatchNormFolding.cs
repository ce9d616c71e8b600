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
