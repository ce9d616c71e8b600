using Qnn.Engine.Format;

namespace Qnn.Search.Costs;

/// <summary>
/// The bytes of the engine's .qnnx file for the spec, computed from the spec alone with the
/// format's own sizes (<see cref="QnnxSizes"/>, checked against the writer): each layer counted
/// as the engine kind the exporter makes of it — binary, ternary or n-bit dense with sign
/// thresholds or logits (on the first layer a code multiplier per input), float dense, binary
/// convolution, max pooling (a block with pool &gt; 1) — and a spec knows no class names.
/// Approximations, for the layers the engine runs in its general dense and conv layers, whose
/// exact layout this cost does not follow (a search still ranks them): a hidden layer whose
/// activation is not a sign (none, ReLU, ternarize, DoReFa) is counted with a logits output;
/// n-bit dense weights wider than the byte weights at 4 bytes a weight; conv weights other than
/// binary as b bit-planes of the binary packing (ternary 2, n-bit b), float conv weights as a
/// general convolution's; inputs wider than 24 bits as if they were codes.
/// </summary>
public static class BytesCost
{
    private static readonly Activation[] Signs = { Activation.Binarize, Activation.BinarizeReste, Activation.BinarizeApprox, Activation.BinarizeSwish };

    /// <summary>The engine's file size of a valid spec, in bytes.</summary>
    public static double Of(ModelSpec spec)
    {
        var stages = Qnn.Spec.stages(spec);
        var output = Shapes.outputLayer(spec);
        var layers = 0L;
        for (var index = 0; index < spec.Layers.Length; index++)
        {
            var input = ComplexityCost.LayerInput(stages, index);
            var fanIn = Shapes.count(input);
            var (activation, _) = Shapes.activation(spec, index).ToValueTuple();
            var outputs = spec.Layers[index] switch
            {
                LayerSpec.Dense { Item: var d } => d.Units,
                LayerSpec.Conv { Item: var c } => c.Channels,
                _ => 0,
            };
            var stored = index != output && Signs.Contains(activation) ? QnnxSizes.SignOutput(outputs) : QnnxSizes.LogitsOutput(outputs);
            var name = stages.First(s => s.Layer == index && s.Kind is StageKind.Dense or StageKind.Conv).Name;
            switch (spec.Layers[index])
            {
                case LayerSpec.Dense { Item: var d }:
                    layers += Dense(name, d, fanIn, index == 0 ? fanIn : 0, stored);
                    break;
                case LayerSpec.Conv { Item: var c }:
                    var window = (long)(input[0] / c.Groups) * c.Kernel * c.Kernel;
                    layers += c.Weights.Mode switch
                    {
                        WeightQuant.Binary => QnnxSizes.BinaryConv(name, stored, window, c.Channels),
                        WeightQuant.Ternary => QnnxSizes.BinaryConv(name, stored, window, 2L * c.Channels),
                        WeightQuant.NBits => QnnxSizes.BinaryConv(name, stored, window, (long)(c.Weights.Bits?.Value ?? 32) * c.Channels),
                        _ => QnnxSizes.GeneralConv(name, stored, 0, window * c.Channels),
                    };
                    if (c.Pool > 1)
                        layers += QnnxSizes.Pooling(stages.First(s => s.Layer == index && s.Kind == StageKind.MaxPool).Name);
                    break;
            }
        }
        return QnnxSizes.File(spec.Name, Input(spec.Input), layers);
    }

    private static long Input(InputSpec input) => input switch
    {
        InputSpec.Features { Item: var f } => QnnxSizes.Input(1, f.FeatureBits?.Value?.Length ?? 1),
        _ => QnnxSizes.Input(3, 1),
    };

    private static long Dense(string name, DenseSpec d, long fanIn, long multipliers, long stored)
    {
        var units = (long)d.Units;
        var weights = fanIn * units;
        return d.Weights.Mode switch
        {
            WeightQuant.None => QnnxSizes.FloatDense(name, fanIn, units),
            WeightQuant.Binary => QnnxSizes.BinaryDense(name, fanIn, multipliers, stored, units),
            WeightQuant.Ternary => QnnxSizes.TernaryDense(name, fanIn, multipliers, stored, units),
            _ when d.Weights.Bits?.Value is { } bits && bits <= Qnn.Engine.IntegerDenseLayer.MaxByteWeightBits
                => QnnxSizes.NBitsDense(name, multipliers, stored, weights, bits),
            _ => QnnxSizes.NBitsDense(name, multipliers, stored, weights, 32),
        };
    }
}
