using System.Text;

namespace Qnn.Search.Costs;

/// <summary>
/// The bytes of the engine's .qnnx file for the spec, computed from the spec alone, following
/// the writer's layout (src/Engine/Format/QnnxWriter.cs, version 5):
/// <list type="bullet">
/// <item>file: magic 4 + version 2 + reserved 2 + name (2 + UTF-8) + input + layer count 4 +
/// layers + class-names count 4 (a spec knows no class names: none are counted) + end marker 4 +
/// checksum 4;</item>
/// <item>input: 1 + 4 per dimension + 4 + 9 per range (low and high as float32, a width byte):
/// one range, or one per feature with FeatureBits;</item>
/// <item>every layer: kind 1 + name (2 + UTF-8: fc1, conv1, pool1…);</item>
/// <item>binary, ternary and n-bit dense: input size 4 + multiplier flag 1 + (first layer, on the
/// input's codes) 4 per input + output + weights: binary 4 + ⌈fanIn/64⌉·8 per output row (1 bit
/// a weight, packed 64 to a u64); ternary 2 (coding, bits) + two such planes; n-bit up to 8 bits
/// 2 + 4 + the weights packed to their width, ⌈count·bits/8⌉ (wider ones, which the engine keeps
/// in its general dense layer, counted at 4 bytes a weight);</item>
/// <item>float dense: 4 + 4 + 1 + 4 per weight + 8 per output (α, β);</item>
/// <item>output: a hidden layer with a sign activation stores one threshold per output, 1 + 4 +
/// 5 per output (float32 threshold + direction byte); the output layer stores logits, 1 + 4 + 4
/// (scale) + 8 per output (α, β);</item>
/// <item>conv: 9·4 (shape and geometry) + 1 + output (thresholds per channel) + 4 + ⌈(C_in/g·k²)/64⌉·8
/// per output channel;</item>
/// <item>max pool (a block with pool &gt; 1): 4·3 + 4.</item>
/// </list>
/// Approximations, for the layers the engine runs in its general dense and conv layers (format
/// version 5), whose exact layout this model does not follow (a search still ranks them): a
/// hidden layer whose activation is not a sign (none, ReLU, ternarize, DoReFa) is counted with a
/// logits-style output (1 + 4 + 4 + 8 per output); conv weights other than binary as b bit-planes
/// (ternary 2, n-bit b) of the binary packing, float conv weights 4 bytes each; inputs wider than
/// 24 bits as if they were codes.
/// </summary>
public static class BytesCost
{
    private const long FileFixed = 4 + 2 + 2 + 4 + 4 + 4 + 4;
    private const long ThresholdBytes = 5;
    private const long AffineBytes = 8;

    private static readonly Activation[] Signs = { Activation.Binarize, Activation.BinarizeReste, Activation.BinarizeApprox, Activation.BinarizeSwish };

    /// <summary>The engine's file size of a valid spec, in bytes.</summary>
    public static double Of(ModelSpec spec)
    {
        var stages = Qnn.Spec.stages(spec);
        var output = Shapes.outputLayer(spec);
        var total = FileFixed + Text(spec.Name) + Input(spec.Input);
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
            var stored = index == output ? Logits(outputs)
                : Signs.Contains(activation) ? 1 + 4 + ThresholdBytes * outputs
                : Logits(outputs);
            var name = 1 + Text(stages.First(s => s.Layer == index && s.Kind is StageKind.Dense or StageKind.Conv).Name);
            switch (spec.Layers[index])
            {
                case LayerSpec.Dense { Item: var d }:
                    total += name + Dense(d, fanIn, index == 0, stored);
                    break;
                case LayerSpec.Conv { Item: var c }:
                    var window = (long)(input[0] / c.Groups) * c.Kernel * c.Kernel;
                    total += name + 9 * 4 + 1 + stored + 4 + ConvWeights(c.Weights, window) * c.Channels;
                    if (c.Pool > 1)
                        total += 1 + Text(stages.First(s => s.Layer == index && s.Kind == StageKind.MaxPool).Name) + 3 * 4 + 4;
                    break;
            }
        }
        return total;
    }

    /// <summary>Logits (or any float affine output): flag, count, scale, α and β per output.</summary>
    private static long Logits(long outputs) => 1 + 4 + 4 + AffineBytes * outputs;

    private static long Text(string text) => 2 + Encoding.UTF8.GetByteCount(text);

    private static long Input(InputSpec input)
    {
        var (dimensions, ranges) = input switch
        {
            InputSpec.Features { Item: var f } => (1, f.FeatureBits?.Value?.Length ?? 1),
            _ => (3, 1),
        };
        return 1 + 4L * dimensions + 4 + 9L * ranges;
    }

    /// <summary>Bytes of one packed row of <paramref name="bits"/> sign bits (u64 words).</summary>
    private static long Row(long bits) => (bits + 63) / 64 * 8;

    private static long Dense(DenseSpec d, long fanIn, bool first, long stored)
    {
        var units = (long)d.Units;
        if (d.Weights.Mode == WeightQuant.None)
            // FloatDense: input size, output size, signs flag, weights, α and β (no output block).
            return 4 + 4 + 1 + 4 * fanIn * units + AffineBytes * units;
        var header = 4 + 1 + (first ? 4 * fanIn : 0) + stored;
        return d.Weights.Mode switch
        {
            WeightQuant.Binary => header + 4 + Row(fanIn) * units,
            WeightQuant.Ternary => header + 2 + 2 * (4 + Row(fanIn) * units),
            _ when d.Weights.Bits?.Value is { } bits && bits <= Qnn.Engine.IntegerDenseLayer.MaxByteWeightBits => header + 2 + 4 + (fanIn * units * bits + 7) / 8,
            _ => header + 2 + 4 + fanIn * units * 4,
        };
    }

    /// <summary>Bytes of one output channel's weights over a window of <paramref name="window"/> inputs.</summary>
    private static long ConvWeights(WeightSpec w, long window) => w.Mode switch
    {
        WeightQuant.Binary => Row(window),
        WeightQuant.Ternary => 2 * Row(window),
        WeightQuant.NBits => (w.Bits?.Value ?? 32) * Row(window),
        _ => 4 * window,
    };
}
