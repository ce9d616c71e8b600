using System.Text;

namespace Qnn.Engine;

/// <summary>
/// The .qnnx file format, version 2 (version 1, without integer dense layers, is read too),
/// little-endian throughout:
/// <code>
/// "QNNX"  u16 version = 2  u16 reserved = 0
/// name: u16 length + UTF-8
/// input: u8 rank, i32 dims[rank], i32 ranges (1 or the sample size), f32 low[ranges], f32 high[ranges], u8 bits[ranges]
/// u32 layer count, then per layer: u8 kind (LayerKind: 1 dense, 2 conv, 3 max-pool), name, and
///   dense:    i32 inputs, u8 code inputs, [i32 multipliers[inputs]], output, i32 words, u64 packed weights[words]
///   conv:     i32 channels, height, width, out channels, kernel, stride, padding, dilation, groups,
///             u8 code inputs, output, i32 words, u64 packed weights[words]
///   max-pool: i32 channels, height, width, pool
///   float dense (4): i32 inputs, i32 outputs, u8 signs, f32 weights[outputs·inputs], f32 alpha[outputs], f32 beta[outputs]
///   integer dense (5): i32 inputs, u8 code inputs, [i32 multipliers[inputs]], output, u8 coding, u8 bits, then
///             coding 1 (ternary): i32 words, u64 nonzero plane[words], i32 words, u64 positive plane[words]
///             coding 2 (n-bit):   i32 count, i8 weights[count] (row by row)
///   output:   u8 1 = thresholds: i32 count, (i32 threshold, u8 direction)[count]
///             u8 2 = logits: i32 count, f32 scale, f32 alpha[count], f32 beta[count]
/// "END!"
/// </code>
/// Weights are sign bits packed 64 to a u64, row by row (bit i of word i/64 is +1). Every count
/// is checked against the bytes left before anything is allocated.
/// </summary>
public static class QnnxFormat
{
    private static readonly byte[] Magic = "QNNX"u8.ToArray();
    private static readonly byte[] End = "END!"u8.ToArray();
    /// <summary>The version this engine writes (and the newest it reads).</summary>
    public const ushort Version = 2;

    /// <summary>Writes a model.</summary>
    public static void Write(EngineModel model, Stream stream)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write((ushort)0);
        WriteString(w, model.Name);
        var input = model.Input;
        w.Write((byte)input.Shape.Length);
        foreach (var d in input.Shape) w.Write(d);
        w.Write(input.Low.Length);
        foreach (var v in input.Low) w.Write(v);
        foreach (var v in input.High) w.Write(v);
        foreach (var b in input.Bits) w.Write((byte)b);
        w.Write((uint)model.Layers.Count);
        foreach (var layer in model.Layers)
        {
            switch (layer)
            {
                case BinaryDenseLayer dense:
                    WriteDenseHeader(w, LayerKind.BinaryDense, dense, dense.CodeMultipliers, dense.Output);
                    WriteWords(w, dense.PackedWeights);
                    break;
                case ConvLayer conv:
                    WriteKind(w, LayerKind.Conv, conv);
                    foreach (var v in new[] { conv.InputShape[0], conv.InputShape[1], conv.InputShape[2], conv.OutChannels, conv.Kernel, conv.Stride, conv.Padding, conv.Dilation, conv.Groups })
                        w.Write(v);
                    w.Write(conv.CodeInputs ? (byte)1 : (byte)0);
                    WriteOutput(w, conv.Output);
                    WriteWords(w, conv.PackedWeights);
                    break;
                case MaxPoolLayer pool:
                    WriteKind(w, LayerKind.MaxPool, pool);
                    foreach (var v in pool.InputShape) w.Write(v);
                    w.Write(pool.Pool);
                    break;
                case FloatDenseLayer dense:
                    WriteKind(w, LayerKind.FloatDense, dense);
                    w.Write(dense.InputSize);
                    w.Write(dense.OutputSize);
                    w.Write(dense.Signs ? (byte)1 : (byte)0);
                    foreach (var v in dense.Weights) w.Write(v);
                    foreach (var v in dense.Alpha) w.Write(v);
                    foreach (var v in dense.Beta) w.Write(v);
                    break;
                case IntegerDenseLayer dense:
                    WriteDenseHeader(w, LayerKind.IntegerDense, dense, dense.CodeMultipliers, dense.Output);
                    w.Write((byte)dense.Coding);
                    w.Write((byte)dense.Bits);
                    if (dense.Coding == IntegerWeights.Ternary)
                    {
                        WriteWords(w, dense.NonzeroPlane);
                        WriteWords(w, dense.PositivePlane);
                    }
                    else
                    {
                        w.Write(dense.Weights.Length);
                        foreach (var q in dense.Weights) w.Write(q);
                    }
                    break;
                default:
                    throw new NotSupportedException($"{layer.GetType().Name} has no file form");
            }
        }
        w.Write(End);
    }

    /// <summary>Reads a model; a broken file raises <see cref="QnnxFormatException"/> naming the problem.</summary>
    public static EngineModel Read(Stream stream)
    {
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!r.ReadBytes(4).AsSpan().SequenceEqual(Magic))
                throw new QnnxFormatException("not a .qnnx file (it does not start with QNNX)");
            var version = r.ReadUInt16();
            if (version is < 1 or > Version)
                throw new QnnxFormatException($"format version {version}; this engine reads versions 1 to {Version}");
            r.ReadUInt16();
            var name = ReadString(r);
            var rank = r.ReadByte();
            if (rank is not (1 or 3))
                throw new QnnxFormatException($"the input has rank {rank}; expected 1 (features) or 3 (images)");
            var shape = Enumerable.Range(0, rank).Select(_ => Positive(r.ReadInt32(), "input dimension")).ToArray();
            var ranges = Count(r, r.ReadInt32(), 9, "input ranges");
            var low = Floats(r, ranges);
            var high = Floats(r, ranges);
            var bits = r.ReadBytes(ranges).Select(b => (int)b).ToArray();
            if (bits.Length != ranges || bits.Any(b => b < 1 || b > InputStage.MaxCodeBits))
                throw new QnnxFormatException($"input bit widths must be 1..{InputStage.MaxCodeBits}");
            var input = new InputStage(shape, low, high, bits);
            var layerCount = Count(r, checked((int)r.ReadUInt32()), 1, "layers");
            var layers = new List<EngineLayer>();
            for (var i = 0; i < layerCount; i++)
                layers.Add(ReadLayer(r, i));
            if (!r.ReadBytes(4).AsSpan().SequenceEqual(End))
                throw new QnnxFormatException("the end marker is missing: the file is truncated or has extra data");
            if (stream.CanSeek && stream.Position != stream.Length)
                throw new QnnxFormatException($"{stream.Length - stream.Position} bytes follow the end marker");
            return new EngineModel(name, input, layers);
        }
        catch (EndOfStreamException e)
        {
            throw new QnnxFormatException("the file is truncated", e);
        }
        catch (ArgumentException e)
        {
            throw new QnnxFormatException($"sizes that disagree: {e.Message}", e);
        }
    }

    private static EngineLayer ReadLayer(BinaryReader r, int index)
    {
        var kind = (LayerKind)r.ReadByte();
        var name = ReadString(r);
        switch (kind)
        {
            case LayerKind.BinaryDense:
            {
                var (inputs, multipliers, output) = ReadDenseHeader(r, name);
                return new BinaryDenseLayer(name, inputs, Words(r, name), multipliers, output);
            }
            case LayerKind.Conv:
            {
                var v = Enumerable.Range(0, 9).Select(_ => r.ReadInt32()).ToArray();
                if (v.Any(x => x < 0) || v[0] == 0 || v[3] == 0 || v[4] == 0 || v[5] == 0 || v[7] == 0 || v[8] == 0)
                    throw new QnnxFormatException($"layer {name}: invalid convolution geometry {string.Join(", ", v)}");
                var codes = r.ReadByte() == 1;
                var output = ReadOutput(r, name);
                return new ConvLayer(name, new[] { v[0], v[1], v[2] }, v[3], v[4], v[5], v[6], v[7], v[8], Words(r, name), codes, output);
            }
            case LayerKind.MaxPool:
            {
                var shape = Enumerable.Range(0, 3).Select(_ => Positive(r.ReadInt32(), $"{name} dimension")).ToArray();
                return new MaxPoolLayer(name, shape, Positive(r.ReadInt32(), $"{name} pool"));
            }
            case LayerKind.FloatDense:
            {
                var inputs = Positive(r.ReadInt32(), $"{name} inputs");
                var outputs = Positive(r.ReadInt32(), $"{name} outputs");
                var signs = r.ReadByte() == 1;
                var weights = Floats(r, Count(r, checked(inputs * outputs), 4, $"{name} weights"));
                return new FloatDenseLayer(name, inputs, weights, Floats(r, Count(r, outputs, 4, $"{name} scales")), Floats(r, outputs), signs);
            }
            case LayerKind.IntegerDense:
            {
                var (inputs, multipliers, output) = ReadDenseHeader(r, name);
                var coding = r.ReadByte();
                var bits = r.ReadByte();
                return coding switch
                {
                    (byte)IntegerWeights.Ternary => IntegerDenseLayer.Ternary(name, inputs, Words(r, name), Words(r, name), multipliers, output),
                    (byte)IntegerWeights.NBits => IntegerDenseLayer.NBits(name, inputs, bits,
                        r.ReadBytes(Count(r, r.ReadInt32(), 1, $"{name} weights")).Select(b => (sbyte)b).ToArray(), multipliers, output),
                    _ => throw new QnnxFormatException($"layer {name}: unknown weight coding {coding}"),
                };
            }
            default:
                throw new QnnxFormatException($"layer {index}: unknown kind {(byte)kind}");
        }
    }

    /// <summary>What opens every layer: its kind and name.</summary>
    private static void WriteKind(BinaryWriter w, LayerKind kind, EngineLayer layer)
    {
        w.Write((byte)kind);
        WriteString(w, layer.Name);
    }

    /// <summary>What binary and integer dense layers share: kind, name, inputs, code multipliers, output.</summary>
    private static void WriteDenseHeader(BinaryWriter w, LayerKind kind, EngineLayer layer, int[]? multipliers, LayerOutput output)
    {
        WriteKind(w, kind, layer);
        w.Write(layer.InputSize);
        w.Write(multipliers is null ? (byte)0 : (byte)1);
        foreach (var m in multipliers ?? Array.Empty<int>()) w.Write(m);
        WriteOutput(w, output);
    }

    private static (int Inputs, int[]? Multipliers, LayerOutput Output) ReadDenseHeader(BinaryReader r, string name)
    {
        var inputs = Positive(r.ReadInt32(), $"{name} inputs");
        var codes = r.ReadByte() == 1;
        var multipliers = codes ? Enumerable.Range(0, Count(r, inputs, 4, $"{name} multipliers")).Select(_ => r.ReadInt32()).ToArray() : null;
        return (inputs, multipliers, ReadOutput(r, name));
    }

    private static void WriteOutput(BinaryWriter w, LayerOutput output)
    {
        if (output.Thresholds is { } thresholds)
        {
            w.Write((byte)1);
            w.Write(thresholds.Length);
            foreach (var t in thresholds)
            {
                w.Write(t.Threshold);
                w.Write((byte)t.Direction);
            }
            return;
        }
        w.Write((byte)2);
        w.Write(output.Alpha!.Length);
        w.Write(output.Scale);
        foreach (var a in output.Alpha) w.Write(a);
        foreach (var b in output.Beta!) w.Write(b);
    }

    private static LayerOutput ReadOutput(BinaryReader r, string name)
    {
        var kind = r.ReadByte();
        if (kind == 1)
        {
            var count = Count(r, r.ReadInt32(), 5, $"{name} thresholds");
            var thresholds = new SignThreshold[count];
            for (var i = 0; i < count; i++)
            {
                var threshold = r.ReadInt32();
                var direction = r.ReadByte();
                if (direction > (byte)ThresholdDirection.Never)
                    throw new QnnxFormatException($"layer {name}: threshold {i} has unknown direction {direction}");
                thresholds[i] = new SignThreshold(threshold, (ThresholdDirection)direction);
            }
            return LayerOutput.Signs(thresholds);
        }
        if (kind == 2)
        {
            var count = Count(r, r.ReadInt32(), 8, $"{name} logits");
            var scale = r.ReadSingle();
            return LayerOutput.Logits(Floats(r, count), Floats(r, count), scale);
        }
        throw new QnnxFormatException($"layer {name}: unknown output kind {kind}");
    }

    private static void WriteWords(BinaryWriter w, ReadOnlySpan<ulong> words)
    {
        w.Write(words.Length);
        foreach (var word in words) w.Write(word);
    }

    private static ulong[] Words(BinaryReader r, string name)
    {
        var count = Count(r, r.ReadInt32(), 8, $"{name} weight words");
        var words = new ulong[count];
        for (var i = 0; i < count; i++) words[i] = r.ReadUInt64();
        return words;
    }

    private static float[] Floats(BinaryReader r, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = r.ReadSingle();
        return values;
    }

    private static void WriteString(BinaryWriter w, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        w.Write((ushort)bytes.Length);
        w.Write(bytes);
    }

    private static string ReadString(BinaryReader r)
    {
        var length = r.ReadUInt16();
        var bytes = r.ReadBytes(length);
        if (bytes.Length != length) throw new EndOfStreamException();
        return Encoding.UTF8.GetString(bytes);
    }

    private static int Positive(int value, string what) =>
        value > 0 ? value : throw new QnnxFormatException($"{what} is {value}; it must be positive");

    /// <summary>A count whose items of <paramref name="itemBytes"/> each must fit in what is left of the file.</summary>
    private static int Count(BinaryReader r, int count, int itemBytes, string what)
    {
        if (count < 0)
            throw new QnnxFormatException($"{what}: count {count} is negative");
        if (r.BaseStream.CanSeek && (long)count * itemBytes > r.BaseStream.Length - r.BaseStream.Position)
            throw new QnnxFormatException($"{what}: {count} entries do not fit in the {r.BaseStream.Length - r.BaseStream.Position} bytes left; the file is truncated");
        return count;
    }
}
