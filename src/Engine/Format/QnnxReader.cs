using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Qnn.Engine;

/// <summary>
/// Reads the bytes of a .qnnx file (see <see cref="QnnxFormat"/>) and checks what every number
/// means before it allocates for it: counts against the bytes left, shapes, geometry and sums
/// against <see cref="QnnxLimits"/>, ranges and floats for finiteness. Every violation is a
/// <see cref="QnnxFormatException"/> naming the layer and the field.
/// </summary>
internal sealed class QnnxReader
{
    /// <summary>What the values flowing into the next layer are, for the checks that depend on it.</summary>
    private enum Values { Codes, Signs, Reals }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    /// <summary>The fewest bytes a layer takes: a max-pool with an empty name.</summary>
    private const int MinLayerBytes = 1 + 2 + 4 * 4;

    private readonly BinaryReader r;
    private readonly ushort version;
    private string where = "header";
    private InputStage input = null!;
    private int flowingSize;
    private Values flowing = Values.Codes;
    private long totalValues;

    private QnnxReader(Stream content, ushort version)
    {
        r = new BinaryReader(content, Encoding.UTF8, leaveOpen: true);
        this.version = version;
    }

    /// <summary>Reads a whole file held in <paramref name="bytes"/>.</summary>
    public static EngineModel Read(byte[] bytes)
    {
        if (bytes.Length < 8)
            throw new QnnxFormatException(bytes.AsSpan(0, Math.Min(4, bytes.Length)).SequenceEqual(QnnxFormat.Magic.AsSpan(0, Math.Min(4, bytes.Length)))
                ? "the file is truncated (it ends inside the header)" : "not a .qnnx file (it does not start with QNNX)");
        if (!bytes.AsSpan(0, 4).SequenceEqual(QnnxFormat.Magic))
            throw new QnnxFormatException("not a .qnnx file (it does not start with QNNX)");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4));
        if (version is < 1 or > QnnxFormat.Version)
            throw new QnnxFormatException($"format version {version}; this engine reads versions 1 to {QnnxFormat.Version}");
        var reserved = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6));
        if (reserved != 0)
            throw new QnnxFormatException($"header: the reserved field is {reserved}; it must be 0");
        var contentEnd = bytes.Length;
        if (version >= 3)
        {
            // Version 3 ends in the CRC-32C of every byte before it: checked before anything is parsed.
            if (bytes.Length < 8 + QnnxFormat.End.Length + 4)
                throw new QnnxFormatException("the file is truncated (it has no room for its end marker and checksum)");
            contentEnd = bytes.Length - 4;
            var stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(contentEnd));
            var actual = QnnxFormat.Checksum(bytes.AsSpan(0, contentEnd));
            if (stored != actual)
                throw new QnnxFormatException($"checksum mismatch: the file records CRC-32C 0x{stored:x8} but its content hashes to 0x{actual:x8}; the file is corrupted or truncated");
        }
        using var content = new MemoryStream(bytes, 8, contentEnd - 8, writable: false);
        return new QnnxReader(content, version).ReadModel();
    }

    private EngineModel ReadModel()
    {
        try
        {
            var name = ReadName("the model name");
            input = ReadInput();
            where = "header";
            var layerCount = r.ReadUInt32();
            if (layerCount == 0)
                throw Fail("the model has no layers");
            if (layerCount > QnnxLimits.MaxLayers)
                throw Fail($"layer count {layerCount} exceeds {QnnxLimits.MaxLayers}");
            Fits(layerCount, MinLayerBytes, "layers");
            var layers = new List<EngineLayer>();
            for (var i = 0; i < layerCount; i++)
            {
                var layer = ReadLayer(i);
                flowingSize = layer.OutputSize;
                layers.Add(layer);
            }
            where = "end";
            if (!r.ReadBytes(4).AsSpan().SequenceEqual(QnnxFormat.End))
                throw Fail("the end marker is missing: the file is truncated or has extra data");
            var left = Left;
            if (left != 0)
                throw Fail($"{left} bytes follow the end marker");
            return new EngineModel(name, input, layers);
        }
        catch (EndOfStreamException e)
        {
            throw new QnnxFormatException($"{where}: the file is truncated", e);
        }
    }

    private long Left => r.BaseStream.Length - r.BaseStream.Position;

    private QnnxFormatException Fail(string what) => new($"{where}: {what}");

    private InputStage ReadInput()
    {
        where = "input";
        var rank = r.ReadByte();
        if (rank is not (1 or 3))
            throw Fail($"rank {rank}; expected 1 (features) or 3 (images)");
        var shape = new int[rank];
        for (var d = 0; d < rank; d++)
            shape[d] = Int($"dimension {d}", 1, QnnxLimits.MaxLayerValues);
        var size = Values_("input shape", shape);
        var ranges = r.ReadInt32();
        if (ranges != 1 && ranges != size)
            throw Fail($"{ranges} ranges; expected 1 or one per value ({size})");
        Fits(ranges, 9, "ranges");
        var low = Floats(ranges, "low end");
        var high = Floats(ranges, "high end");
        for (var i = 0; i < ranges; i++)
        {
            // A constant feature legitimately calibrates to low == high (the quantizer's span then
            // falls back to 1e-30), so only low > high is refused.
            if (low[i] > high[i])
                throw Fail($"range {i}: low {Show(low[i])} exceeds high {Show(high[i])}");
        }
        var bits = new int[ranges];
        for (var i = 0; i < ranges; i++)
        {
            bits[i] = r.ReadByte();
            if (bits[i] is < 1 or > InputStage.MaxCodeBits)
                throw Fail($"range {i}: {bits[i]}-bit codes; input bit widths must be 1..{InputStage.MaxCodeBits}");
        }
        AddValues(size);
        flowingSize = size;
        flowing = Values.Codes;
        return new InputStage(shape, low, high, bits);
    }

    private EngineLayer ReadLayer(int index)
    {
        where = $"layer {index}";
        var kindByte = r.ReadByte();
        var name = ReadName("its name");
        var kind = (LayerKind)kindByte;
        if (!Enum.IsDefined(kind))
            throw Fail($"unknown kind {kindByte}");
        where = $"layer {index} ({name})";
        if (kind == LayerKind.IntegerDense && version < 2)
            throw Fail($"integer dense layers need format version 2; the file says {version}");
        try
        {
            return kind switch
            {
                LayerKind.BinaryDense => ReadBinaryDense(name, index),
                LayerKind.Conv => ReadConv(name, index),
                LayerKind.MaxPool => ReadMaxPool(name),
                LayerKind.FloatDense => ReadFloatDense(name),
                _ => ReadIntegerDense(name, index),
            };
        }
        catch (ArgumentException e)
        {
            // What the layer's own constructor refuses (a ternary weight marked positive but zero…).
            throw Fail(e.Message);
        }
    }

    private BinaryDenseLayer ReadBinaryDense(string name, int index)
    {
        var (inputs, multipliers, output) = ReadDenseHeader(index);
        Weights((long)inputs * output.Count);
        // ±1 inputs are packed as signs; codes sum as code × multiplier.
        Accumulates(inputs, multipliers, usesValues: multipliers is not null, largestWeight: 1);
        Produces(output.Count, output);
        var words = Words("weight words", (long)BitPacking.WordsFor(inputs) * output.Count);
        return new BinaryDenseLayer(name, inputs, words, multipliers, output);
    }

    private IntegerDenseLayer ReadIntegerDense(string name, int index)
    {
        var (inputs, multipliers, output) = ReadDenseHeader(index);
        Weights((long)inputs * output.Count);
        var coding = r.ReadByte();
        var bits = r.ReadByte();
        switch (coding)
        {
            case (byte)IntegerWeights.Ternary:
                if (bits != 2)
                    throw Fail($"ternary weights take 2 bits; the file says {bits}");
                Accumulates(inputs, multipliers, usesValues: multipliers is not null, largestWeight: 1);
                Produces(output.Count, output);
                var planeWords = (long)BitPacking.WordsFor(inputs) * output.Count;
                var nonzero = Words("nonzero plane words", planeWords);
                var positive = Words("positive plane words", planeWords);
                return IntegerDenseLayer.Ternary(name, inputs, nonzero, positive, multipliers, output);
            case (byte)IntegerWeights.NBits:
                if (bits is < 2 or > 8)
                    throw Fail($"{bits}-bit weights; the engine stores 2 to 8 bits");
                var top = (1 << (bits - 1)) - 1;
                if (multipliers is null && flowing == Values.Reals)
                    throw Fail("n-bit weights on real-valued inputs (the previous layer outputs logits); the engine sums them as integers");
                // n-bit rows multiply the input values themselves (codes on the first layer).
                Accumulates(inputs, multipliers, usesValues: true, largestWeight: top);
                Produces(output.Count, output);
                var count = r.ReadInt32();
                if (count != (long)inputs * output.Count)
                    throw Fail($"{count} weights; {output.Count} outputs of {inputs} inputs need {(long)inputs * output.Count}");
                Fits(count, 1, "weights");
                var weights = new sbyte[count];
                for (var i = 0; i < count; i++)
                {
                    weights[i] = r.ReadSByte();
                    if (Math.Abs((int)weights[i]) > top)
                        throw Fail($"weight {i} is {weights[i]}, outside ±{top} ({bits}-bit)");
                }
                return IntegerDenseLayer.NBits(name, inputs, bits, weights, multipliers, output);
            default:
                throw Fail($"unknown weight coding {coding}");
        }
    }

    /// <summary>What binary and integer dense layers share: inputs, code multipliers, output.</summary>
    private (int Inputs, int[]? Multipliers, LayerOutput Output) ReadDenseHeader(int index)
    {
        var inputs = Int("inputs", 1, QnnxLimits.MaxLayerValues);
        Receives(inputs);
        var multipliers = CodeInputs(index) ? Multipliers(inputs) : null;
        return (inputs, multipliers, ReadOutput());
    }

    private int[] Multipliers(int inputs)
    {
        Fits(inputs, 4, "code multipliers");
        var multipliers = new int[inputs];
        for (var i = 0; i < inputs; i++)
        {
            multipliers[i] = r.ReadInt32();
            if (multipliers[i] < 1)
                throw Fail($"code multiplier {i} is {multipliers[i]}; it must be at least 1");
        }
        return multipliers;
    }

    /// <summary>The code-inputs flag: 1 only where input codes arrive (the first layer).</summary>
    private bool CodeInputs(int index)
    {
        var flag = r.ReadByte();
        if (flag > 1)
            throw Fail($"code-inputs flag {flag}; expected 0 or 1");
        if (flag == 1 && flowing != Values.Codes)
            throw Fail($"declares input codes, but layer {index} receives {(flowing == Values.Signs ? "±1 values" : "real values")}; only the first layer takes codes");
        return flag == 1;
    }

    private ConvLayer ReadConv(string name, int index)
    {
        var channels = Int("channels", 1, QnnxLimits.MaxLayerValues);
        var height = Int("height", 1, QnnxLimits.MaxLayerValues);
        var width = Int("width", 1, QnnxLimits.MaxLayerValues);
        Receives(Values_("input shape", new[] { channels, height, width }));
        var outChannels = Int("out channels", 1, QnnxLimits.MaxLayerValues);
        var kernel = Int("kernel", 1, QnnxLimits.MaxKernel);
        var stride = Int("stride", 1, QnnxLimits.MaxStride);
        var padding = Int("padding", 0, QnnxLimits.MaxPadding);
        var dilation = Int("dilation", 1, QnnxLimits.MaxStride);
        var groups = Int("groups", 1, channels);
        if (channels % groups != 0 || outChannels % groups != 0)
            throw Fail($"groups {groups} must divide both {channels} channels and {outChannels} out channels");
        long paddedHeight = height + 2L * padding, paddedWidth = width + 2L * padding;
        if (channels * paddedHeight * paddedWidth > QnnxLimits.MaxLayerValues)
            throw Fail($"the zero-padded input ({channels}×{paddedHeight}×{paddedWidth}) exceeds {QnnxLimits.MaxLayerValues} values");
        var reach = (long)dilation * (kernel - 1) + 1;
        if (reach > paddedHeight || reach > paddedWidth)
            throw Fail($"the kernel reaches {reach} pixels (kernel {kernel}, dilation {dilation}), beyond the padded {paddedHeight}×{paddedWidth} input: no output");
        var outHeight = (paddedHeight - reach) / stride + 1;
        var outWidth = (paddedWidth - reach) / stride + 1;
        var windowBits = (long)(channels / groups) * kernel * kernel;
        Weights(windowBits * outChannels);
        var codes = CodeInputs(index);
        var output = ReadOutput();
        if (output.Count != outChannels)
            throw Fail($"{output.Count} outputs for {outChannels} out channels");
        if (codes && windowBits * LargestCode() > QnnxLimits.MaxAccumulator)
            throw Fail($"a window of {windowBits} codes up to {LargestCode()} can sum past {QnnxLimits.MaxAccumulator}");
        Produces(outChannels * outHeight * outWidth, output);
        var words = Words("weight words", BitPacking.WordsFor((int)windowBits) * (long)outChannels);
        return new ConvLayer(name, new[] { channels, height, width }, outChannels, kernel, stride, padding, dilation, groups, words, codes, output);
    }

    private MaxPoolLayer ReadMaxPool(string name)
    {
        var shape = new[] { Int("channels", 1, QnnxLimits.MaxLayerValues), Int("height", 1, QnnxLimits.MaxLayerValues), Int("width", 1, QnnxLimits.MaxLayerValues) };
        Receives(Values_("input shape", shape));
        var pool = Int("pool", 1, QnnxLimits.MaxStride);
        if (pool > shape[1] || pool > shape[2])
            throw Fail($"pool {pool} exceeds the {shape[1]}×{shape[2]} input: no output");
        AddValues((long)shape[0] * (shape[1] / pool) * (shape[2] / pool));
        flowing = Values.Signs;
        return new MaxPoolLayer(name, shape, pool);
    }

    private FloatDenseLayer ReadFloatDense(string name)
    {
        var inputs = Int("inputs", 1, QnnxLimits.MaxLayerValues);
        Receives(inputs);
        var outputs = Int("outputs", 1, QnnxLimits.MaxLayerValues);
        var signs = r.ReadByte();
        if (signs > 1)
            throw Fail($"signs flag {signs}; expected 0 or 1");
        Weights((long)inputs * outputs);
        Fits((long)inputs * outputs + 2L * outputs, 4, "weights and scales");
        var weights = Floats(inputs * outputs, "weight");
        var alpha = Floats(outputs, "alpha");
        var beta = Floats(outputs, "beta");
        AddValues(outputs);
        flowing = signs == 1 ? Values.Signs : Values.Reals;
        return new FloatDenseLayer(name, inputs, weights, alpha, beta, signs == 1);
    }

    private LayerOutput ReadOutput()
    {
        var kind = r.ReadByte();
        if (kind == 1)
        {
            var count = Int("threshold count", 1, QnnxLimits.MaxLayerValues);
            Fits(count, 5, "thresholds");
            var thresholds = new SignThreshold[count];
            for (var i = 0; i < count; i++)
            {
                var threshold = r.ReadInt32();
                if (threshold is < -QnnxLimits.MaxThreshold or > QnnxLimits.MaxThreshold)
                    throw Fail($"threshold {i} is {threshold}, beyond ±{QnnxLimits.MaxThreshold}");
                var direction = r.ReadByte();
                if (direction > (byte)ThresholdDirection.Never)
                    throw Fail($"threshold {i} has unknown direction {direction}");
                thresholds[i] = new SignThreshold(threshold, (ThresholdDirection)direction);
            }
            return LayerOutput.Signs(thresholds);
        }
        if (kind == 2)
        {
            var count = Int("logit count", 1, QnnxLimits.MaxLayerValues);
            Fits(count, 8, "logits");
            var scale = r.ReadSingle();
            if (!float.IsFinite(scale) || scale <= 0)
                throw Fail($"logit scale {Show(scale)}; it must be finite and positive");
            return LayerOutput.Logits(Floats(count, "alpha"), Floats(count, "beta"), scale);
        }
        throw Fail($"unknown output kind {kind}");
    }

    /// <summary>Checks the layer's input size against what the previous stage gives.</summary>
    private void Receives(long inputs)
    {
        if (inputs != flowingSize)
            throw Fail($"takes {inputs} values but receives {flowingSize}");
    }

    /// <summary>Counts a layer's output values and notes what kind of values they are.</summary>
    private void Produces(long values, LayerOutput output)
    {
        AddValues(values);
        flowing = output.Thresholds is null ? Values.Reals : Values.Signs;
    }

    private void AddValues(long values)
    {
        if (values > QnnxLimits.MaxLayerValues)
            throw Fail($"{values} output values exceed {QnnxLimits.MaxLayerValues}");
        totalValues += values;
        if (totalValues > QnnxLimits.MaxModelValues)
            throw Fail($"the model's activations reach {totalValues} values, past {QnnxLimits.MaxModelValues}");
    }

    private void Weights(long count)
    {
        if (count > QnnxLimits.MaxLayerWeights)
            throw Fail($"{count} weights exceed {QnnxLimits.MaxLayerWeights}");
    }

    /// <summary>Checks that a dense row's integer sum fits: Σ largest input × multiplier × largest
    /// |weight|. Inputs packed as signs count 1 each; input codes, where the layer sums the values
    /// themselves (<paramref name="usesValues"/>), count their largest code.</summary>
    private void Accumulates(int inputs, int[]? multipliers, bool usesValues, int largestWeight)
    {
        long sum = 0;
        for (var i = 0; i < inputs; i++)
        {
            long largest = usesValues && flowing == Values.Codes ? (long)input.LevelsOf(i) : 1;
            sum += largest * (multipliers?[i] ?? 1) * largestWeight;
            if (sum > QnnxLimits.MaxAccumulator)
                throw Fail($"its integer sums can reach past {QnnxLimits.MaxAccumulator} (input {i}: code multiplier {multipliers?[i] ?? 1}, largest input {largest}, largest weight {largestWeight})");
        }
    }

    private long LargestCode()
    {
        long largest = 0;
        for (var i = 0; i < input.Bits.Length; i++)
            largest = Math.Max(largest, (long)input.LevelsOf(i));
        return largest;
    }

    /// <summary>The product of a shape's dimensions, within <see cref="QnnxLimits.MaxLayerValues"/>.</summary>
    private int Values_(string what, int[] shape)
    {
        long product = 1;
        foreach (var d in shape)
        {
            product *= d;
            if (product > QnnxLimits.MaxLayerValues)
                throw Fail($"{what} {string.Join("×", shape)} exceeds {QnnxLimits.MaxLayerValues} values");
        }
        return (int)product;
    }

    private int Int(string field, int min, int max)
    {
        var value = r.ReadInt32();
        if (value < min)
            throw Fail($"{field} {value} is below {min}");
        if (value > max)
            throw Fail($"{field} {value} exceeds {max}");
        return value;
    }

    /// <summary>Refuses <paramref name="count"/> items of <paramref name="itemBytes"/> that would
    /// not fit in what is left of the file, before anything is allocated for them.</summary>
    private void Fits(long count, int itemBytes, string what)
    {
        if (count < 0)
            throw Fail($"{what}: count {count} is negative");
        if (count * itemBytes > Left)
            throw Fail($"{what}: {count} entries of {itemBytes} bytes do not fit in the {Left} bytes left; the file is truncated");
    }

    private ulong[] Words(string what, long expected)
    {
        var count = r.ReadInt32();
        if (count != expected)
            throw Fail($"{count} {what}; expected {expected}");
        Fits(count, 8, what);
        var words = new ulong[count];
        for (var i = 0; i < count; i++) words[i] = r.ReadUInt64();
        return words;
    }

    /// <summary>Finite floats (a NaN or an infinity in a trained model is corruption).</summary>
    private float[] Floats(long count, string what)
    {
        Fits(count, 4, what);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = r.ReadSingle();
            if (!float.IsFinite(values[i]))
                throw Fail($"{what} {i} is {Show(values[i])}; it must be finite");
        }
        return values;
    }

    /// <summary>A float as messages show it, whatever the culture (NaN, Infinity, 0.5).</summary>
    private static string Show(float value) => value.ToString(CultureInfo.InvariantCulture);

    private string ReadName(string what)
    {
        var length = r.ReadUInt16();
        Fits(length, 1, what);
        var bytes = r.ReadBytes(length);
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Fail($"{what} is not valid UTF-8");
        }
        if (text.Length > QnnxLimits.MaxNameChars)
            throw Fail($"{what} has {text.Length} characters; a .qnnx name holds at most {QnnxLimits.MaxNameChars}");
        return text;
    }
}
