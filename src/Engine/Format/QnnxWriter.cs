using System.Text;

namespace Qnn.Engine.Format;

/// <summary>Lays a model out as the bytes of a .qnnx file (see <see cref="QnnxFormat"/>), the
/// checksum last.</summary>
internal static class QnnxWriter
{
    /// <summary>The whole file of <paramref name="model"/> in the current version (the reader
    /// reads every older one; tests keep files of version 4 in tests/Engine.Tests/Files).</summary>
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
            var layers = new LayerWriter(w);
            foreach (var layer in model.Layers)
                layer.Accept(layers);
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

    /// <summary>Each layer kind's record: the kind byte and name, then its fields; gives the kind written.</summary>
    private sealed class LayerWriter(BinaryWriter w) : ILayerVisitor<LayerKind>
    {
        public LayerKind Visit(BinaryDenseLayer dense)
        {
            WriteDenseHeader(w, LayerKind.BinaryDense, dense, dense.CodeMultipliers, dense.Output);
            WriteWords(w, dense.PackedWeights);
            return LayerKind.BinaryDense;
        }

        public LayerKind Visit(BinaryConvLayer conv)
        {
            WriteConvHeader(w, LayerKind.Conv, conv);
            w.Write(conv.CodeInputs ? (byte)1 : (byte)0);
            WriteOutput(w, conv.Output);
            WriteWords(w, conv.PackedWeights);
            return LayerKind.Conv;
        }

        public LayerKind Visit(MaxPoolLayer pool)
        {
            WritePooling(w, LayerKind.MaxPool, pool);
            return LayerKind.MaxPool;
        }

        public LayerKind Visit(FloatDenseLayer dense)
        {
            WriteSizes(w, LayerKind.FloatDense, dense);
            w.Write(dense.Signs ? (byte)1 : (byte)0);
            foreach (var v in dense.Weights) w.Write(v);
            foreach (var v in dense.Alpha) w.Write(v);
            foreach (var v in dense.Beta) w.Write(v);
            return LayerKind.FloatDense;
        }

        public LayerKind Visit(IntegerDenseLayer dense)
        {
            WriteDenseHeader(w, LayerKind.IntegerDense, dense, dense.CodeMultipliers, dense.Output);
            // n-bit integers are written packed to their width (coding 3, version 5).
            w.Write(dense.Coding == IntegerCoding.NBits ? (byte)3 : (byte)dense.Coding);
            w.Write((byte)dense.Bits);
            if (dense.Coding == IntegerCoding.Ternary)
            {
                WriteWords(w, dense.NonzeroPlane);
                WriteWords(w, dense.PositivePlane);
            }
            else
            {
                var packed = LayerWeights.Integer(dense.Bits, dense.Weights.ToArray().Select(q => (int)q).ToArray()).Packed();
                w.Write(dense.Weights.Length);
                w.Write(packed);
            }
            return LayerKind.IntegerDense;
        }

        public LayerKind Visit(GeneralDenseLayer dense)
        {
            WriteSizes(w, LayerKind.GeneralDense, dense);
            w.Write(dense.IntegerSums ? (byte)0 : (byte)1);
            if (dense.IntegerSums)
                WriteMultipliers(w, dense.Multipliers);
            else
            {
                w.Write(dense.Divisors is null ? (byte)0 : (byte)1);
                foreach (var d in dense.Divisors ?? Array.Empty<float>()) w.Write(d);
            }
            WriteOutput(w, dense.Output);
            WriteWeights(w, dense.Weights);
            return LayerKind.GeneralDense;
        }

        public LayerKind Visit(GeneralConvLayer conv)
        {
            WriteConvHeader(w, LayerKind.GeneralConv, conv);
            w.Write(conv.IntegerSums ? (byte)0 : (byte)1);
            w.Write(conv.Divisor);
            WriteOutput(w, conv.Output);
            WriteWeights(w, conv.Weights);
            return LayerKind.GeneralConv;
        }

        public LayerKind Visit(ValueMaxPoolLayer pool)
        {
            WritePooling(w, LayerKind.ValueMaxPool, pool);
            return LayerKind.ValueMaxPool;
        }

        public LayerKind Visit(AveragePoolLayer pool)
        {
            WritePooling(w, LayerKind.AveragePool, pool);
            return LayerKind.AveragePool;
        }
    }

    /// <summary>What opens every layer: its kind and name.</summary>
    private static void WriteKind(BinaryWriter w, LayerKind kind, EngineLayer layer)
    {
        w.Write((byte)kind);
        WriteString(w, layer.Name, "a layer name");
    }

    /// <summary>What float and general dense layers open with: kind, name, inputs, outputs.</summary>
    private static void WriteSizes(BinaryWriter w, LayerKind kind, EngineLayer layer)
    {
        WriteKind(w, kind, layer);
        w.Write(layer.InputSize);
        w.Write(layer.OutputSize);
    }

    /// <summary>What binary and integer dense layers share: kind, name, inputs, code multipliers, output.</summary>
    private static void WriteDenseHeader(BinaryWriter w, LayerKind kind, EngineLayer layer, int[]? multipliers, LayerOutput output)
    {
        WriteKind(w, kind, layer);
        w.Write(layer.InputSize);
        WriteMultipliers(w, multipliers);
        WriteOutput(w, output);
    }

    /// <summary>A u8 flag (0 none, 1 some), then the i32 multipliers if any.</summary>
    private static void WriteMultipliers(BinaryWriter w, int[]? multipliers)
    {
        w.Write(multipliers is null ? (byte)0 : (byte)1);
        foreach (var m in multipliers ?? Array.Empty<int>()) w.Write(m);
    }

    /// <summary>What both convolution kinds open with: kind, name, then the nine geometry fields.</summary>
    private static void WriteConvHeader(BinaryWriter w, LayerKind kind, ConvolutionLayer layer)
    {
        WriteKind(w, kind, layer);
        var g = layer.Geometry;
        foreach (var v in new[] { g.Channels, g.Height, g.Width, g.OutChannels, g.Kernel, g.Stride, g.Padding, g.Dilation, g.Groups })
            w.Write(v);
    }

    /// <summary>All of both max-pooling kinds: kind, name, input shape, pool.</summary>
    private static void WritePooling(BinaryWriter w, LayerKind kind, PoolingLayer layer)
    {
        WriteKind(w, kind, layer);
        foreach (var v in layer.InputShape) w.Write(v);
        w.Write(layer.Pool);
    }

    /// <summary>u8 bits, then f32 values (bits 0) or the integers packed to their width.</summary>
    private static void WriteWeights(BinaryWriter w, LayerWeights weights)
    {
        w.Write((byte)weights.Bits);
        if (weights.Floats is { } floats)
            foreach (var v in floats) w.Write(v);
        else
            w.Write(weights.Packed());
    }

    private static void WriteOutput(BinaryWriter w, LayerOutput output)
    {
        if (output.Requantization is { } r)
        {
            w.Write((byte)5);
            w.Write(r.Count);
            w.Write((byte)r.Top);
            foreach (var v in output.LevelValues!) w.Write(v);
            for (var j = 0; j < r.Count; j++)
            {
                w.Write(r.Base[j]);
                w.Write((byte)(r.Falling[j] ? 1 : 0));
                w.Write(r.Multiplier[j]);
                w.Write(r.Offset[j]);
                w.Write(r.Shift[j]);
            }
            return;
        }
        if (output.Form == OutputForm.Levels)
        {
            w.Write((byte)3);
            w.Write(output.Count);
            w.Write((byte)output.Steps);
            foreach (var v in output.LevelValues!) w.Write(v);
            WriteThresholds(w, output.LevelBoundaries!);
            return;
        }
        if (output.Form == OutputForm.Activated)
        {
            w.Write((byte)4);
            w.Write(output.Count);
            w.Write(output.Scale);
            w.Write((byte)output.Activation);
            w.Write(output.Parameter);
            foreach (var a in output.Alpha!) w.Write(a);
            foreach (var b in output.Beta!) w.Write(b);
            return;
        }
        if (output.Thresholds is { } thresholds)
        {
            w.Write((byte)1);
            w.Write(thresholds.Length);
            WriteThresholds(w, thresholds);
            return;
        }
        w.Write((byte)2);
        w.Write(output.Alpha!.Length);
        w.Write(output.Scale);
        foreach (var a in output.Alpha) w.Write(a);
        foreach (var b in output.Beta!) w.Write(b);
    }

    /// <summary>Each threshold as (i32 threshold, u8 direction), no count.</summary>
    private static void WriteThresholds(BinaryWriter w, SignThreshold[] thresholds)
    {
        foreach (var t in thresholds)
        {
            w.Write(t.Threshold);
            w.Write((byte)t.Direction);
        }
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
