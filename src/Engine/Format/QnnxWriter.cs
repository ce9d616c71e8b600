using System.Text;

namespace Qnn.Engine;

/// <summary>Lays a model out as the bytes of a .qnnx file (see <see cref="QnnxFormat"/>), the
/// checksum last.</summary>
internal static class QnnxWriter
{
    /// <summary>The whole file of <paramref name="model"/> in the current version.</summary>
    public static byte[] Bytes(EngineModel model)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(QnnxFormat.Magic);
            w.Write(QnnxFormat.Version);
            w.Write((ushort)0);
            WriteString(w, model.Name, "the model name");
            WriteInput(w, model.Input);
            w.Write((uint)model.Layers.Count);
            foreach (var layer in model.Layers)
                WriteLayer(w, layer);
            var names = model.ClassNames ?? Array.Empty<string>();
            w.Write((uint)names.Count);
            foreach (var name in names)
                WriteString(w, name, "a class name");
            w.Write(QnnxFormat.End);
            w.Write(QnnxFormat.Checksum(stream.GetBuffer().AsSpan(0, (int)stream.Length)));
        }
        return stream.ToArray();
    }

    private static void WriteInput(BinaryWriter w, InputStage input)
    {
        w.Write((byte)input.Shape.Length);
        foreach (var d in input.Shape) w.Write(d);
        w.Write(input.Low.Length);
        foreach (var v in input.Low) w.Write(v);
        foreach (var v in input.High) w.Write(v);
        foreach (var b in input.Bits) w.Write((byte)b);
    }

    private static void WriteLayer(BinaryWriter w, EngineLayer layer)
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

    /// <summary>What opens every layer: its kind and name.</summary>
    private static void WriteKind(BinaryWriter w, LayerKind kind, EngineLayer layer)
    {
        w.Write((byte)kind);
        WriteString(w, layer.Name, "a layer name");
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

    private static void WriteWords(BinaryWriter w, ReadOnlySpan<ulong> words)
    {
        w.Write(words.Length);
        foreach (var word in words) w.Write(word);
    }

    /// <summary>A name as u16 length + UTF-8, refused past <see cref="QnnxLimits.MaxNameChars"/>
    /// (a longer one would not read back: its length would not even fit the u16).</summary>
    private static void WriteString(BinaryWriter w, string text, string what)
    {
        if (text.Length > QnnxLimits.MaxNameChars)
            throw new ArgumentException($"{what} (\"{text[..32]}…\") has {text.Length} characters; a .qnnx name holds at most {QnnxLimits.MaxNameChars}");
        var bytes = Encoding.UTF8.GetBytes(text);
        w.Write((ushort)bytes.Length);
        w.Write(bytes);
    }
}
