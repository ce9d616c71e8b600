using System.Text;
using Qnn.Engine.Kernels;

namespace Qnn.Engine.Format;

/// <summary>
/// The bytes each record of a .qnnx file takes (<see cref="QnnxFormat"/> has the layout, the
/// writer lays it out): the one place a size of the format is written down, for those who size a
/// file before there is a model to write — the search's bytes cost sizes a spec with these. The
/// tests check <see cref="Of"/> against the writer for models of every kind.
/// </summary>
public static class QnnxSizes
{
    /// <summary>The whole file: header, name, input, layer count, layers, class names, end marker, checksum.</summary>
    public static long File(string name, long input, long layers, IReadOnlyList<string>? classNames = null) =>
        4 + 2 + 2 + Text(name) + input + 4 + layers + 4 + (classNames ?? Array.Empty<string>()).Sum(Text) + 4 + 4;

    /// <summary>The input quantizer: rank, dims, range count, then low, high and a width byte per range.</summary>
    public static long Input(int rank, int ranges) => 1 + 4L * rank + 4 + 9L * ranges;

    /// <summary>A name: u16 length and its UTF-8.</summary>
    public static long Text(string text) => 2 + Encoding.UTF8.GetByteCount(text);

    /// <summary>Sign thresholds: form, count, a threshold and a direction byte per output.</summary>
    public static long SignOutput(long outputs) => 1 + 4 + 5 * outputs;

    /// <summary>Logits (the affine form): form, count, scale, α and β per output.</summary>
    public static long LogitsOutput(long outputs) => 1 + 4 + 4 + 8 * outputs;

    /// <summary>Requantized levels: form, count, top, the top + 1 values, four numbers per output.</summary>
    public static long RequantizedOutput(long outputs, int top) => 1 + 4 + 1 + 4L * (top + 1) + (long)Requantization.FileBytes * outputs;

    /// <summary>Levels: form, count, steps, the steps + 1 values, a threshold per output and step.</summary>
    public static long LevelsOutput(long outputs, int steps) => 1 + 4 + 1 + 4L * (steps + 1) + 5L * steps * outputs;

    /// <summary>Activated: form, count, scale, activation, parameter, α and β per output.</summary>
    public static long ActivatedOutput(long outputs) => 1 + 4 + 4 + 1 + 4 + 8 * outputs;

    /// <summary>A binary dense layer: ±1 rows of <paramref name="inputs"/> bits; <paramref name="multipliers"/> 0 on ±1 inputs.</summary>
    public static long BinaryDense(string name, long inputs, long multipliers, long output, long outputs) =>
        DenseOpening(name, multipliers) + output + PackedRows(inputs, outputs);

    /// <summary>A ternary integer dense layer: coding, bits, the nonzero and positive planes.</summary>
    public static long TernaryDense(string name, long inputs, long multipliers, long output, long outputs) =>
        DenseOpening(name, multipliers) + output + 2 + 2 * PackedRows(inputs, outputs);

    /// <summary>An n-bit integer dense layer: coding, bits, count, the integers packed to their width.</summary>
    public static long NBitsDense(string name, long multipliers, long output, long weights, int bits) =>
        DenseOpening(name, multipliers) + output + 2 + 4 + (weights * bits + 7) / 8;

    /// <summary>A float dense layer: sizes, signs flag, the weights, α and β.</summary>
    public static long FloatDense(string name, long inputs, long outputs) =>
        1 + Text(name) + 4 + 4 + 1 + 4 * inputs * outputs + 8 * outputs;

    /// <summary>A general dense layer: sizes, sums flag, multipliers or divisors, output, weights.</summary>
    public static long GeneralDense(string name, bool integerSums, long multipliersOrDivisors, long output, int bits, long weights) =>
        1 + Text(name) + 4 + 4 + 1 + 1 + 4 * multipliersOrDivisors + output + Weights(bits, weights);

    /// <summary>A binary convolution: geometry, code-inputs flag, output, a ±1 row per output channel.</summary>
    public static long BinaryConv(string name, long output, long window, long outChannels) =>
        1 + Text(name) + ConvGeometryBytes + 1 + output + PackedRows(window, outChannels);

    /// <summary>A general convolution: geometry, sums flag, divisor, output, weights.</summary>
    public static long GeneralConv(string name, long output, int bits, long weights) =>
        1 + Text(name) + ConvGeometryBytes + 1 + 4 + output + Weights(bits, weights);

    /// <summary>Either max pooling: the input shape (channels, height, width) and the pool.</summary>
    public static long Pooling(string name) => 1 + Text(name) + 3 * 4 + 4;

    /// <summary>An output block as the writer writes it.</summary>
    public static long Output(LayerOutput output) => output.Form switch
    {
        OutputForm.Signs => SignOutput(output.Count),
        OutputForm.Levels when output.Requantization is not null => RequantizedOutput(output.Count, output.Steps),
        OutputForm.Levels => LevelsOutput(output.Count, output.Steps),
        OutputForm.Activated => ActivatedOutput(output.Count),
        _ => LogitsOutput(output.Count),
    };

    /// <summary>The file <paramref name="model"/> makes.</summary>
    public static long Of(EngineModel model) =>
        File(model.Name, Input(model.Input.Shape.Length, model.Input.Low.Length), model.Layers.Sum(l => l.Accept(LayerSizes.Instance)), model.ClassNames);

    private const long ConvGeometryBytes = 9 * 4;

    /// <summary>Kind, name, inputs, code-inputs flag and the code multipliers.</summary>
    private static long DenseOpening(string name, long multipliers) => 1 + Text(name) + 4 + 1 + 4 * multipliers;

    /// <summary>A word count and <paramref name="rows"/> rows of <paramref name="bits"/> bits packed into u64 words.</summary>
    private static long PackedRows(long bits, long rows) => 4 + 8 * ((bits + 63) / 64) * rows;

    /// <summary>A weights block: the width byte, then f32 values (width 0) or the integers packed to their width.</summary>
    private static long Weights(int bits, long count) => 1 + (bits == 0 ? 4 * count : LayerWeights.PackedBytes(count, bits));

    private sealed class LayerSizes : ILayerVisitor<long>
    {
        public static readonly LayerSizes Instance = new();
        public long Visit(BinaryDenseLayer d) => BinaryDense(d.Name, d.InputSize, d.CodeMultipliers?.Length ?? 0, Output(d.Output), d.OutputSize);
        public long Visit(IntegerDenseLayer d) => d.Coding == IntegerCoding.Ternary
            ? TernaryDense(d.Name, d.InputSize, d.CodeMultipliers?.Length ?? 0, Output(d.Output), d.OutputSize)
            : NBitsDense(d.Name, d.CodeMultipliers?.Length ?? 0, Output(d.Output), d.Weights.Length, d.Bits);
        public long Visit(GeneralDenseLayer g) =>
            GeneralDense(g.Name, g.IntegerSums, (g.IntegerSums ? g.Multipliers?.Length : g.Divisors?.Length) ?? 0, Output(g.Output), g.Weights.Bits, g.Weights.Count);
        public long Visit(FloatDenseLayer f) => FloatDense(f.Name, f.InputSize, f.OutputSize);
        public long Visit(BinaryConvLayer c) => BinaryConv(c.Name, Output(c.Output), (long)c.InputShape[0] / c.Groups * c.Kernel * c.Kernel, c.OutChannels);
        public long Visit(GeneralConvLayer g) => GeneralConv(g.Name, Output(g.Output), g.Weights.Bits, g.Weights.Count);
        public long Visit(MaxPoolLayer p) => Pooling(p.Name);
        public long Visit(ValueMaxPoolLayer p) => Pooling(p.Name);
        public long Visit(AveragePoolLayer p) => Pooling(p.Name);
    }
}
