using Qnn.Engine;
using TorchSharp;
using Qnn.Engine.Format;
using Qnn.Engine.Kernels;

namespace Qnn.Export;

/// <summary>
/// Freezes a built network — a generated module or <c>Spec.build</c>'s, trained or not, no saved
/// file needed — into an <see cref="EngineModel"/>, whatever the DSL declared (docs/formats.md,
/// docs/engine.md, "Export coverage"): the input quantizer becomes integer codes (unrounded inputs above
/// 24 bits stay real), binary weights are packed 64 to a ulong, ternary weights become two
/// bit-planes, n-bit weights small integers (read from the layers' <c>IntegerWeights()</c>);
/// each BatchNorm + quantizing activation (sign, ternary, DoReFa up to 8 bits) becomes integer
/// thresholds per neuron or channel where the layer's sums are exact integers; ReLU, identity and
/// float layers, and layers whose inputs are real, run the BatchNorm's affine form in float.
/// Pooling works on bits after sign, on values otherwise; dropout is the identity; stochastic
/// quantizers round in evaluation as the core's do. The network's stages and their shapes come
/// from the core's <c>Spec.stages</c>; every engine layer's output shape is checked against them.
/// </summary>
public static class EngineExporter
{
    /// <summary>The widest n-bit weights the byte-per-weight <see cref="IntegerDenseLayer"/> takes
    /// (the engine's fact); wider ones (up to 31 bits) run in a <see cref="GeneralDenseLayer"/>.</summary>
    public const int MaxWeightBits = IntegerDenseLayer.MaxByteWeightBits;

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
        var codes = InputCodes.Of(stages[0].Shape, quantizer);
        var incoming = Incoming.Input(codes);
        var layers = new List<EngineLayer>();
        if (spec.Input is InputSpec.Image { Item.Downscale: > 1 and var factor } && stages.FirstOrDefault(s => s.Kind == StageKind.Downscale) is { } downscale)
        {
            // The average of a window as the engine keeps it: the codes' sum, the 1/f² folded into
            // the next layer with the codes' 1/L.
            var pool = new AveragePoolLayer(downscale.Name, stages[0].Shape, factor);
            layers.Add(Checked(pool, downscale, new[] { pool.OutputSize }));
            incoming = Incoming.Downscaled(incoming, pool.Window, pool.OutputSize);
        }
        var outputLayer = Array.FindLastIndex(spec.Layers, l => l.IsDense);
        // Each layer's stages, grouped once; the input stage is layer -1.
        var byLayer = stages.GroupBy(s => s.Layer).ToDictionary(g => g.Key, g => g.ToArray());
        for (var index = 0; index < spec.Layers.Length; index++)
        {
            var layerStages = byLayer[index];
            Stage StageOf(StageKind kind) => layerStages.First(s => s.Kind == kind);
            var isOutput = index == outputLayer;
            var inputShape = byLayer[index - 1][^1].Shape;
            var norm = ModuleOf<TorchSharp.Modules.NormBase>(StageOf(StageKind.BatchNorm));
            if (spec.Layers[index] is LayerSpec.Conv { Item: var c })
            {
                var stage = StageOf(StageKind.Conv);
                var module = ModuleOf<QuantConv2d>(stage);
                var (conv, next) = ConvLayerOf(spec, index, stage.Name, c, module, inputShape, norm, isOutput, incoming);
                layers.Add(Checked(conv, stage, new[] { c.Channels, stage.Shape[1], stage.Shape[2] }));
                if (layerStages.Any(s => s.Kind == StageKind.MaxPool))
                {
                    var pool = StageOf(StageKind.MaxPool);
                    EngineLayer poolLayer = next.Kind == Incoming.Values.Signs
                        ? new MaxPoolLayer(pool.Name, stage.Shape, c.Pool)
                        : new ValueMaxPoolLayer(pool.Name, stage.Shape, c.Pool);
                    layers.Add(Checked(poolLayer, pool, new[] { poolLayer.OutputSize }));
                }
                incoming = next;
                continue;
            }
            var dense = ((LayerSpec.Dense)spec.Layers[index]).Item;
            var denseStage = StageOf(StageKind.Dense);
            var linear = ModuleOf<QuantLinear>(denseStage);
            var fanIn = inputShape.Aggregate(1, (p, n) => p * n);
            var (layer, after) = DenseLayerOf(spec, index, denseStage.Name, dense, linear, norm, fanIn, isOutput, incoming);
            layers.Add(Checked(layer, denseStage, new[] { dense.Units }));
            incoming = after;
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

    private static (EngineLayer Layer, Incoming Next) DenseLayerOf(ModelSpec spec, int index, string name, DenseSpec dense, QuantLinear linear,
        TorchSharp.Modules.NormBase norm, int fanIn, bool isOutput, Incoming incoming)
    {
        if (!linear.WeightQuantizer.HasIntegerForm)
        {
            var floatPlan = OutputPlan.Of(spec, index, isOutput, norm, incoming, null, fanIn, twoDimensional: false);
            var floats = linear.Weight.detach().contiguous().data<float>().ToArray();
            var (activation, _) = Shapes.activation(spec, index).ToValueTuple();
            // The float layer of earlier versions where it applies: ±1 or real inputs, sign or logits out.
            if ((incoming.Kind == Incoming.Values.Signs || incoming is { Kind: Incoming.Values.Reals, InputDivisors: null }) && (isOutput || OutputPlan.IsSign(activation)))
            {
                var (alpha, beta) = BatchNormFolding.Affine(norm);
                return (new FloatDenseLayer(name, fanIn, floats, alpha, beta, signs: !isOutput), floatPlan.Next);
            }
            return (new GeneralDenseLayer(name, fanIn, LayerWeights.Float(floats), false, null, incoming.DivisorsFor(fanIn), floatPlan.Output), floatPlan.Next);
        }
        // Weights are q·s: integers q times a scale s per output, folded into the output.
        using var weights = linear.IntegerWeights();
        var plan = OutputPlan.Of(spec, index, isOutput, norm, incoming, weights, fanIn, twoDimensional: false);
        var integers = weights.Integers;
        if (!plan.IntegerSums)
            return (new GeneralDenseLayer(name, fanIn, IntegerWeightsOf(weights), false, null, incoming.DivisorsFor(fanIn), plan.Output), plan.Next);
        if (incoming.Kind == Incoming.Values.Integers || (dense.Weights.Mode == WeightQuant.NBits && weights.Bits > MaxWeightBits))
            return (new GeneralDenseLayer(name, fanIn, IntegerWeightsOf(weights), true, incoming.Multipliers, null, plan.Output), plan.Next);
        // ±1 or input codes into the binary and integer kernels.
        var multipliers = incoming.Multipliers;
        EngineLayer layer = dense.Weights.Mode switch
        {
            WeightQuant.Binary => new BinaryDenseLayer(name, fanIn, PackRows(integers, dense.Units), multipliers, plan.Output),
            // Two bit-planes through the sign packer: |q| - 1/2 >= 0 where q != 0, q - 1/2 >= 0 where q = +1.
            WeightQuant.Ternary => IntegerDenseLayer.Ternary(name, fanIn, PackRows(integers.abs().sub(0.5), dense.Units), PackRows(integers.sub(0.5), dense.Units), multipliers, plan.Output),
            _ => IntegerDenseLayer.NBits(name, fanIn, weights.Bits, integers.to_type(torch.ScalarType.Int8).data<sbyte>().ToArray(), multipliers, plan.Output),
        };
        return (layer, plan.Next);
    }

    private static (EngineLayer Layer, Incoming Next) ConvLayerOf(ModelSpec spec, int index, string name, ConvSpec c, QuantConv2d module, int[] inputShape,
        TorchSharp.Modules.NormBase norm, bool isOutput, Incoming incoming)
    {
        var window = (long)(module.InChannels / module.Groups * module.Kernel * module.Kernel);
        if (!module.WeightQuantizer.HasIntegerForm)
        {
            var floatPlan = OutputPlan.Of(spec, index, isOutput, norm, incoming, null, window, twoDimensional: true);
            var floats = LayerWeights.Float(module.Weight.detach().contiguous().data<float>().ToArray());
            return (new GeneralConvLayer(name, ConvGeometry.Of(inputShape, c.Channels, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups), floats, false, incoming.Divisor, floatPlan.Output), floatPlan.Next);
        }
        using var weights = module.IntegerWeights();
        var plan = OutputPlan.Of(spec, index, isOutput, norm, incoming, weights, window, twoDimensional: true);
        // The binary convolution of earlier versions where it applies: ±1 or input codes in, ±1 or logits out.
        if (plan.IntegerSums && c.Weights.Mode == WeightQuant.Binary && incoming.Kind is Incoming.Values.Codes or Incoming.Values.Signs
            && plan.Output.Form is OutputForm.Signs or OutputForm.Logits)
        {
            var conv = new BinaryConvLayer(name, ConvGeometry.Of(inputShape, c.Channels, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups),
                PackRows(weights.Integers, c.Channels), incoming.Kind == Incoming.Values.Codes, plan.Output);
            return (conv, plan.Next);
        }
        var general = new GeneralConvLayer(name, ConvGeometry.Of(inputShape, c.Channels, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups),
            IntegerWeightsOf(weights), plan.IntegerSums, plan.IntegerSums ? 1 : incoming.Divisor, plan.Output);
        return (general, plan.Next);
    }

    /// <summary>A layer's integer weights at the width the quantizer gives them (binary 1 bit, ternary 2, n-bit n).</summary>
    private static LayerWeights IntegerWeightsOf(IntegerWeights weights) =>
        LayerWeights.Integer(weights.Bits, weights.Integers.detach().contiguous().to_type(torch.ScalarType.Int32).data<int>().ToArray());

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
