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
            var fanInShape = layers.Count == 0 ? shape : ShapeAfter(layers[^1], shape);
            if (spec.Layers[index] is LayerSpec.Conv conv)
            {
                if (weights.Mode != WeightQuant.Binary)
                    throw new UsageException($"qnn export: conv{number} has {weights.Mode} weights; the engine's convolutions take binary weights (scaled or not)");
                var module = (QuantConv2d)modules[$"conv{number}"];
                var c = conv.Item;
                var windowBits = (int)(module.InChannels / module.Groups * module.Kernel * module.Kernel);
                var scales = weights.Scaled ? ChannelScales(Quantized(module.WeightQuantizer, module.Weight, c.Channels), 1) : null;
                var output = isOutput ? Logits(norm, codes ? 1f / denominator : 1f, scales) : Thresholds(norm, windowBits, codes, denominator, twoDimensional: true, scales);
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
            var name = $"fc{number}";
            if (floatWeights)
            {
                if (codes)
                    throw new UsageException($"qnn export: {name} is a float layer on input codes; the engine takes float layers after binary ones");
                var (alpha, beta) = AffineArrays(norm);
                layers.Add(new FloatDenseLayer(name, fanIn, linear.Weight.detach().contiguous().data<float>().ToArray(), alpha, beta, signs: !isOutput));
                codes = false;
                continue;
            }
            // Weights are q·s: small integers q times a scale s per output, folded into the output.
            var top = weights.Mode == WeightQuant.NBits ? (1 << (weights.Bits.Value - 1)) - 1 : 1;
            if (weights.Mode == WeightQuant.NBits && weights.Bits.Value > 8)
                throw new UsageException($"qnn export: {name} has {weights.Bits.Value}-bit weights; the engine stores n-bit weights of at most 8 bits");
            using var quantized = Quantized(linear.WeightQuantizer, linear.Weight, dense.Units);
            var channelScales = weights.Mode == WeightQuant.Binary && !weights.Scaled ? null : ChannelScales(quantized, top);
            var folded = isOutput
                ? Logits(norm, codes ? 1f / denominator : 1f, channelScales)
                : Thresholds(norm, fanIn * top, codes, denominator, twoDimensional: false, channelScales);
            var layerMultipliers = codes ? multipliers : null;
            if (weights.Mode == WeightQuant.Binary)
                layers.Add(new BinaryDenseLayer(name, fanIn, PackRows(linear.Weight, dense.Units), layerMultipliers, folded));
            else
            {
                using var integers = Integers(quantized, channelScales!, top);
                layers.Add(weights.Mode == WeightQuant.Ternary
                    // Two bit-planes through the sign packer: |q| - 1/2 >= 0 where q != 0, q - 1/2 >= 0 where q = +1.
                    ? IntegerDenseLayer.Ternary(name, fanIn, PackRows(integers.abs().sub(0.5), dense.Units), PackRows(integers.sub(0.5), dense.Units), layerMultipliers, folded)
                    : IntegerDenseLayer.NBits(name, fanIn, weights.Bits.Value, integers.to_type(torch.ScalarType.Int8).data<sbyte>().ToArray(), layerMultipliers, folded));
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

    /// <summary>The weights as the layer uses them in evaluation (q·s), one row per output.</summary>
    private static torch.Tensor Quantized(Quantizer quantizer, torch.Tensor weight, int outputs)
    {
        using var noGrad = torch.no_grad();
        return quantizer.Apply(weight.detach(), false).reshape(outputs, -1);
    }

    /// <summary>The value of one integer step per output: max|q·s| / top (0 for an all-zero row).</summary>
    private static float[] ChannelScales(torch.Tensor quantized, int top)
    {
        using var scope = torch.NewDisposeScope();
        return quantized.abs().amax(1).div(top).data<float>().ToArray();
    }

    /// <summary>The integers q = round(w / step) per output row; checks that q·step gives w back.</summary>
    private static torch.Tensor Integers(torch.Tensor quantized, float[] steps, int top)
    {
        using var scope = torch.NewDisposeScope();
        var step = torch.tensor(steps).unsqueeze(1);
        var safe = torch.where(step.gt(0), step, torch.ones_like(step));
        var integers = quantized.div(safe).round().clamp(-top, top);
        var error = integers.mul(safe).sub(quantized).abs().max().ToSingle();
        var largest = quantized.abs().max().ToSingle();
        if (error > 1e-5f * Math.Max(largest, 1e-30f))
            throw new InvalidOperationException($"weights are not integer multiples of their channel step (off by {error})");
        return integers.MoveToOuterDisposeScope();
    }

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

    /// <summary>Logits through the BatchNorm's affine form, each output's weight scale (if any) folded into α.</summary>
    private static LayerOutput Logits(TorchSharp.Modules.NormBase norm, float scale, float[]? channelScales)
    {
        var (alpha, beta) = AffineArrays(norm);
        if (channelScales is not null)
            alpha = alpha.Select((a, j) => a * channelScales[j]).ToArray();
        return LayerOutput.Logits(alpha, beta, scale);
    }

    /// <summary>Candidate pre-activations × outputs up to which thresholds are probed, not computed.</summary>
    private const long ProbeLimit = 32_000_000;

    /// <summary>
    /// One threshold per output on the integer pre-activation z, whose real value is z·s/D (s the
    /// output's weight scale, 1 for plain binary weights; D the input-code denominator, 1 after
    /// the first layer). On ±1 inputs z is an integer in [-range, range]: the BatchNorm (in
    /// evaluation) is run on every z·s and the sign change read off, so float rounding folds in
    /// as libtorch rounds. On input codes (and for layers too wide to probe) the fold is exact
    /// arithmetic with μ·D/s and (σ² + ε)·D²/s²; a zero scale leaves sign(BatchNorm(0)).
    /// </summary>
    private static LayerOutput Thresholds(TorchSharp.Modules.NormBase norm, int range, bool codes, long denominator, bool twoDimensional, float[]? channelScales)
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
