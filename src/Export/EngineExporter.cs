using Qnn.Engine;
using TorchSharp;

namespace Qnn.Export;

/// <summary>
/// Freezes a built network — a generated module or <c>Spec.build</c>'s, trained or not, no saved
/// file needed — into an <see cref="EngineModel"/>: the input quantizer becomes integer codes,
/// binary weights are packed 64 to a ulong, ternary weights become two bit-planes and n-bit
/// weights small integers (all read from the layers' <c>IntegerWeights()</c>), each BatchNorm +
/// sign becomes one integer threshold per neuron or channel, pooling works on bits, float layers
/// stay float, and the last BatchNorm gives the logits. The network's stages and their shapes
/// come from the core's <c>Spec.stages</c>; every engine layer's output shape is checked against
/// them.
/// </summary>
public static class EngineExporter
{
    private static readonly Activation[] SignActivations = { Activation.Binarize, Activation.BinarizeReste, Activation.BinarizeApprox, Activation.BinarizeSwish };

    /// <summary>The widest n-bit weights the engine stores (one signed byte each).</summary>
    public const int MaxWeightBits = 8;

    /// <summary>Exports a network built by <c>Spec.build</c> (or loaded from a saved model);
    /// <paramref name="classNames"/>, when given, name its classes in the engine file.</summary>
    public static EngineModel Export(QuantizedNetwork network, IReadOnlyList<string>? classNames = null) => Export(network, network.Spec, classNames);

    /// <summary>Exports any network whose modules are named as <paramref name="spec"/>'s stages,
    /// e.g. a generated model: <c>EngineExporter.Export(model, VertebralMlp.Spec)</c>.
    /// <paramref name="classNames"/>, when given (one per class), travel in the engine file.</summary>
    public static EngineModel Export(torch.nn.Module<torch.Tensor, torch.Tensor> network, ModelSpec spec, IReadOnlyList<string>? classNames = null)
    {
        if (spec.Name.Length > QnnxLimits.MaxNameChars)
            throw new ExportException($"the model's name has {spec.Name.Length} characters; an engine file takes at most {QnnxLimits.MaxNameChars}");
        var modules = network.named_children().ToDictionary(c => c.name, c => c.module);
        var stages = Qnn.Spec.stages(spec);
        T ModuleOf<T>(Stage stage) where T : class =>
            modules.TryGetValue(stage.Name, out var module) && module is T typed
                ? typed
                : throw new ExportException($"{spec.Name}: the network has no {typeof(T).Name} named {stage.Name}, which its spec declares");

        var quantizer = ModuleOf<InputQuantizer>(stages[0]);
        var codes = InputCodes.Of(spec.Name, stages[0].Shape, quantizer);
        var layers = new List<EngineLayer>();
        var onCodes = true;
        var outputLayer = Array.FindLastIndex(spec.Layers, l => l.IsDense);
        // Each layer's stages, grouped once; the input stage is layer -1.
        var byLayer = stages.GroupBy(s => s.Layer).ToDictionary(g => g.Key, g => g.ToArray());
        for (var index = 0; index < spec.Layers.Length; index++)
        {
            var layerStages = byLayer[index];
            Stage StageOf(StageKind kind) => layerStages.First(s => s.Kind == kind);
            var isOutput = index == outputLayer;
            var inputShape = byLayer[index - 1][^1].Shape;
            var (activation, _) = Shapes.activation(spec, index).ToValueTuple();
            if (!isOutput && !SignActivations.Contains(activation))
                throw new ExportException($"layer {index + 1} uses Activation.{activation}; the engine takes sign activations ({string.Join(", ", SignActivations)})");
            var norm = ModuleOf<TorchSharp.Modules.NormBase>(StageOf(StageKind.BatchNorm));
            var scale = onCodes ? 1f / codes.Denominator : 1f;
            if (spec.Layers[index] is LayerSpec.Conv { Item: var c })
            {
                var stage = StageOf(StageKind.Conv);
                if (c.Weights.Mode != WeightQuant.Binary)
                    throw new ExportException($"{stage.Name} has {c.Weights.Mode} weights; the engine's convolutions take binary weights (scaled or not)");
                var module = ModuleOf<QuantConv2d>(stage);
                using var weights = module.IntegerWeights();
                var scales = weights.Unscaled ? null : weights.Scales;
                var windowBits = (int)(module.InChannels / module.Groups * module.Kernel * module.Kernel);
                var output = isOutput
                    ? BatchNormFolding.Logits(norm, scale, scales)
                    : BatchNormFolding.Thresholds(norm, windowBits, onCodes, codes.Denominator, twoDimensional: true, scales);
                var conv = new ConvLayer(stage.Name, inputShape, c.Channels, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups,
                    PackRows(weights.Integers, c.Channels), onCodes, output);
                layers.Add(Checked(conv, stage, new[] { conv.OutChannels, conv.OutHeight, conv.OutWidth }));
                if (layerStages.Any(s => s.Kind == StageKind.MaxPool))
                {
                    var pool = StageOf(StageKind.MaxPool);
                    var poolLayer = new MaxPoolLayer(pool.Name, stage.Shape, c.Pool);
                    layers.Add(Checked(poolLayer, pool, new[] { poolLayer.OutputSize }));
                }
                onCodes = false;
                continue;
            }
            var dense = ((LayerSpec.Dense)spec.Layers[index]).Item;
            var denseStage = StageOf(StageKind.Dense);
            var linear = ModuleOf<QuantLinear>(denseStage);
            var fanIn = inputShape.Aggregate(1, (p, n) => p * n);
            layers.Add(Checked(DenseLayerOf(denseStage.Name, dense, linear, norm, fanIn, isOutput, onCodes, codes, scale), denseStage, new[] { dense.Units }));
            onCodes = false;
        }
        var classes = layers[^1].OutputSize;
        if (classNames is { Count: > 0 })
        {
            if (classNames.Count != classes)
                throw new ExportException($"{classNames.Count} class names for {spec.Name}'s {classes} classes");
            if (classNames.FirstOrDefault(n => n.Length > QnnxLimits.MaxNameChars) is { } tooLong)
                throw new ExportException($"the class name \"{tooLong[..32]}…\" has {tooLong.Length} characters; an engine file takes at most {QnnxLimits.MaxNameChars}");
            if (classNames.Sum(n => (long)System.Text.Encoding.UTF8.GetByteCount(n)) > QnnxLimits.MaxClassNameBytes)
                throw new ExportException($"the class names take more than {QnnxLimits.MaxClassNameBytes} bytes of UTF-8; an engine file takes at most that");
        }
        return new EngineModel(spec.Name, codes.Stage, layers, classNames);
    }

    private static EngineLayer DenseLayerOf(string name, DenseSpec dense, QuantLinear linear, TorchSharp.Modules.NormBase norm,
        int fanIn, bool isOutput, bool onCodes, InputCodes codes, float scale)
    {
        if (!linear.WeightQuantizer.HasIntegerForm)
        {
            if (onCodes)
                throw new ExportException($"{name} is a float layer on input codes; the engine takes float layers after binary ones");
            var (alpha, beta) = BatchNormFolding.Affine(norm);
            return new FloatDenseLayer(name, fanIn, linear.Weight.detach().contiguous().data<float>().ToArray(), alpha, beta, signs: !isOutput);
        }
        if (dense.Weights.Mode == WeightQuant.NBits && dense.Weights.Bits.Value > MaxWeightBits)
            throw new ExportException($"{name} has {dense.Weights.Bits.Value}-bit weights; the engine stores n-bit weights of at most {MaxWeightBits} bits");
        // Weights are q·s: integers q times a scale s per output, folded into the output.
        using var weights = linear.IntegerWeights();
        var scales = weights.Unscaled ? null : weights.Scales;
        var output = isOutput
            ? BatchNormFolding.Logits(norm, scale, scales)
            : BatchNormFolding.Thresholds(norm, fanIn * weights.Largest, onCodes, codes.Denominator, twoDimensional: false, scales);
        var multipliers = onCodes ? codes.Multipliers : null;
        var integers = weights.Integers;
        return dense.Weights.Mode switch
        {
            WeightQuant.Binary => new BinaryDenseLayer(name, fanIn, PackRows(integers, dense.Units), multipliers, output),
            // Two bit-planes through the sign packer: |q| - 1/2 >= 0 where q != 0, q - 1/2 >= 0 where q = +1.
            WeightQuant.Ternary => IntegerDenseLayer.Ternary(name, fanIn, PackRows(integers.abs().sub(0.5), dense.Units), PackRows(integers.sub(0.5), dense.Units), multipliers, output),
            _ => IntegerDenseLayer.NBits(name, fanIn, dense.Weights.Bits.Value, integers.to_type(torch.ScalarType.Int8).data<sbyte>().ToArray(), multipliers, output),
        };
    }

    /// <summary>The engine computes its layers' shapes itself (it has no core); they must be the spec's.</summary>
    private static EngineLayer Checked(EngineLayer layer, Stage stage, int[] engineShape)
    {
        var expected = stage.Shape.Length == engineShape.Length ? stage.Shape : new[] { stage.Shape.Aggregate(1, (p, n) => p * n) };
        if (!expected.SequenceEqual(engineShape))
            throw new ExportException($"{stage.Name}: the engine computes an output of {string.Join("×", engineShape)}, the spec {string.Join("×", stage.Shape)}");
        return layer;
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
}
