using Qnn.Engine;
using Qnn.Host.Cli;
using TorchSharp;

namespace Qnn.Host.Export;

/// <summary>
/// Freezes a trained network into an <see cref="EngineModel"/>: the input quantizer becomes
/// integer codes, binary weights are packed 64 to a ulong, each BatchNorm + sign becomes one
/// integer threshold per neuron or channel, pooling works on bits, float layers stay float, and
/// the last BatchNorm gives the logits. A hidden layer on ±1 inputs gets its thresholds by
/// running its own BatchNorm over every reachable integer pre-activation, so the engine decides
/// exactly as libtorch does; a layer on input codes folds them in exact arithmetic.
/// </summary>
public static class EngineExporter
{
    private static readonly string[] SignActivations = { "Binarize", "BinarizeReste", "BinarizeApprox", "BinarizeSwish" };

    public static EngineModel Export(QuantizedNetwork network)
    {
        var spec = network.Spec;
        var modules = network.Layers.ToDictionary(t => t.Item1, t => t.Item2);
        var quantizer = (InputQuantizer)modules["input"];
        var bits = quantizer.Bits;
        if (bits.Any(b => b > 24))
            throw new UsageException($"qnn export: {spec.Name} takes {bits.Max()}-bit (float) input; the engine takes integer input codes of at most 24 bits");
        var shape = Qnn.Spec.shapes(spec)[0].Shape;
        var input = new InputStage(shape, quantizer.Low.data<float>().ToArray(), quantizer.High.data<float>().ToArray(), bits);

        // Codes of different widths share one denominator D: input i counts D / L_i per code step.
        var levels = bits.Select(b => (1L << b) - 1).ToArray();
        var denominator = levels.Aggregate(1L, (d, l) => d / Gcd(d, l) * l);
        var size = shape.Aggregate(1, (p, n) => p * n);
        if (denominator * size >= int.MaxValue)
            throw new UsageException($"qnn export: input widths {string.Join(", ", bits.Distinct())} over {size} inputs overflow integer accumulation");
        var multipliers = Enumerable.Range(0, size).Select(i => (int)(denominator / levels[levels.Length == 1 ? 0 : i])).ToArray();

        var layers = new List<EngineLayer>();
        var codes = true;
        var lastDense = Array.FindLastIndex(spec.Layers, l => l.IsDense);
        for (var index = 0; index < spec.Layers.Length; index++)
        {
            var number = index + 1;
            var isOutput = index == lastDense;
            var (weights, activation) = spec.Layers[index] switch
            {
                LayerSpec.Dense d => (d.Item.Weights, d.Item.Activation),
                LayerSpec.Conv c => (c.Item.Weights, c.Item.Activation),
                _ => throw new InvalidOperationException(),
            };
            var effective = (activation is null ? spec.Activation : activation.Value).ToString();
            if (!isOutput && !SignActivations.Contains(effective))
                throw new UsageException($"qnn export: layer {index + 1} uses Activation.{effective}; the engine takes sign activations (Binarize, BinarizeReste, BinarizeApprox, BinarizeSwish)");
            var norm = (TorchSharp.Modules.NormBase)modules[$"bn{number}"];
            var floatWeights = weights.Mode == WeightQuant.None;
            if (!floatWeights && (weights.Mode != WeightQuant.Binary || weights.Scaled))
                throw new UsageException($"qnn export: layer {index + 1} has {(weights.Scaled ? "scaled " : "")}{weights.Mode} weights; this engine packs plain binary weights (float layers stay float)");
            var fanInShape = layers.Count == 0 ? shape : ShapeAfter(layers[^1], shape);
            if (spec.Layers[index] is LayerSpec.Conv conv)
            {
                if (floatWeights)
                    throw new UsageException($"qnn export: conv{number} has float weights; the engine's convolutions are binary");
                var module = (QuantConv2d)modules[$"conv{number}"];
                var c = conv.Item;
                var windowBits = (int)(module.InChannels / module.Groups * module.Kernel * module.Kernel);
                var output = isOutput ? Logits(norm, codes ? 1f / denominator : 1f) : Thresholds(norm, windowBits, codes, denominator, twoDimensional: true);
                var layer = new ConvLayer($"conv{number}", fanInShape, c.Channels, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups,
                    PackRows(module.Weight, c.Channels), codes, output);
                layers.Add(layer);
                if (c.Pool > 1)
                    layers.Add(new MaxPoolLayer($"pool{number}", new[] { c.Channels, layer.OutHeight, layer.OutWidth }, c.Pool));
                codes = false;
                continue;
            }
            var dense = ((LayerSpec.Dense)spec.Layers[index]).Item;
            var linear = (QuantLinear)modules[$"fc{number}"];
            var fanIn = fanInShape.Aggregate(1, (p, n) => p * n);
            if (floatWeights)
            {
                if (codes)
                    throw new UsageException($"qnn export: fc{number} is a float layer on input codes; the engine takes float layers after binary ones");
                var (alpha, beta) = AffineArrays(norm);
                layers.Add(new FloatDenseLayer($"fc{number}", fanIn, linear.Weight.detach().contiguous().data<float>().ToArray(), alpha, beta, signs: !isOutput));
            }
            else
            {
                var output = isOutput ? Logits(norm, codes ? 1f / denominator : 1f) : Thresholds(norm, fanIn, codes, denominator, twoDimensional: false);
                layers.Add(new DenseLayer($"fc{number}", fanIn, PackRows(linear.Weight, dense.Units), codes ? multipliers : null, output));
            }
            codes = false;
        }
        return new EngineModel(spec.Name, input, layers);
    }

    private static int[] ShapeAfter(EngineLayer layer, int[] inputShape) => layer switch
    {
        ConvLayer conv => new[] { conv.OutChannels, conv.OutHeight, conv.OutWidth },
        MaxPoolLayer pool => new[] { pool.InputShape[0], pool.InputShape[1] / pool.Pool, pool.InputShape[2] / pool.Pool },
        _ => new[] { layer.OutputSize },
    };

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>The sign bits of each output's weight row (torch's memory order), packed.</summary>
    private static ulong[] PackRows(torch.Tensor weight, int outputs)
    {
        var values = weight.detach().contiguous().data<float>().ToArray();
        var perRow = values.Length / outputs;
        var words = BitPacking.WordsFor(perRow);
        var packed = new ulong[words * outputs];
        for (var j = 0; j < outputs; j++)
            BitPacking.PackSigns(values.AsSpan(j * perRow, perRow), packed.AsSpan(j * words, words));
        return packed;
    }

    private static (float[] Gamma, float[] Beta, float[] Mean, float[] Variance, double Epsilon) Parameters(TorchSharp.Modules.NormBase norm) =>
        (norm.weight!.detach().data<float>().ToArray(), norm.bias!.detach().data<float>().ToArray(),
         norm.running_mean!.data<float>().ToArray(), norm.running_var!.data<float>().ToArray(), norm.eps);

    private static (float[] Alpha, float[] Beta) AffineArrays(TorchSharp.Modules.NormBase norm)
    {
        var p = Parameters(norm);
        var affine = p.Gamma.Select((g, j) => LayerOutput.Affine(g, p.Beta[j], p.Mean[j], p.Variance[j], (float)p.Epsilon)).ToArray();
        return (affine.Select(a => a.Alpha).ToArray(), affine.Select(a => a.Beta).ToArray());
    }

    private static LayerOutput Logits(TorchSharp.Modules.NormBase norm, float scale)
    {
        var (alpha, beta) = AffineArrays(norm);
        return LayerOutput.Logits(alpha, beta, scale);
    }

    /// <summary>
    /// One threshold per output. On ±1 inputs the pre-activation is an exact integer in [-n, n]:
    /// the BatchNorm (in evaluation) is run on every one of them and the sign change read off. On
    /// input codes, z/D is the real pre-activation: folded exactly with μ·D and (σ² + ε)·D².
    /// </summary>
    private static LayerOutput Thresholds(TorchSharp.Modules.NormBase norm, int fanIn, bool codes, long denominator, bool twoDimensional)
    {
        var p = Parameters(norm);
        var outputs = p.Gamma.Length;
        if (codes)
        {
            var d = (double)denominator;
            return LayerOutput.Signs(Enumerable.Range(0, outputs)
                .Select(j => SignThreshold.Fold(p.Gamma[j], p.Beta[j], p.Mean[j] * d, p.Variance[j] * d * d, p.Epsilon * d * d)).ToArray());
        }
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var candidates = 2 * fanIn + 1;
        var z = torch.arange(-fanIn, fanIn + 1, dtype: torch.ScalarType.Float32).unsqueeze(1).expand(candidates, outputs).contiguous();
        if (twoDimensional)
            z = z.reshape(candidates, outputs, 1, 1);
        var wasTraining = norm.training;
        norm.eval();
        var fires = ((torch.nn.Module<torch.Tensor, torch.Tensor>)norm).call(z).reshape(candidates, outputs).ge(0.0).data<bool>().ToArray();
        if (wasTraining) norm.train();
        var thresholds = new SignThreshold[outputs];
        for (var j = 0; j < outputs; j++)
            thresholds[j] = ReadThreshold(fires, j, outputs, fanIn) ?? SignThreshold.Fold(p.Gamma[j], p.Beta[j], p.Mean[j], p.Variance[j], p.Epsilon);
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
