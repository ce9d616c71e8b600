using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Qnn.Engine.Format;

/// <summary>
/// Reads the bytes of a .qnnx file (see <see cref="QnnxFormat"/>) and checks what every number
/// means before it allocates for it: counts against the bytes left, shapes, geometry and sums
/// against <see cref="QnnxLimits"/>, ranges and floats for finiteness. Every violation is a
/// <see cref="QnnxFormatException"/> naming the layer and the field.
/// </summary>
internal sealed partial class QnnxReader
{
    /// <summary>What the values flowing into the next layer are, for the checks that depend on it.</summary>
    /// Integers are the integer values of a levels or activated output (ternary values, DoReFa
    /// codes), at most <see cref="flowingLargest"/> in magnitude.
    private enum Flow { Codes, Signs, Reals, Integers }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    /// <summary>The fewest bytes a layer takes: a max-pool with an empty name.</summary>
    private const int MinLayerBytes = 1 + 2 + 4 * 4;

    private readonly BinaryReader r;
    private readonly ushort version;
    private string where = "header";
    private InputStage input = null!;
    private int flowingSize;
    private Flow flowing = Flow.Codes;
    private double flowingLargest = 1;
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
            // Versions 3 and 4 end in the CRC-32C of every byte before it: checked before anything is parsed.
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
            var classNames = version >= 4 ? ReadClassNames(layers[^1].OutputSize) : null;
            where = "end";
            if (!r.ReadBytes(4).AsSpan().SequenceEqual(QnnxFormat.End))
                throw Fail("the end marker is missing: the file is truncated or has extra data");
            var left = Left;
            if (left != 0)
                throw Fail($"{left} bytes follow the end marker");
            return new EngineModel(name, input, layers, classNames);
        }
        catch (EndOfStreamException e)
        {
            throw new QnnxFormatException($"{where}: the file is truncated", e);
        }
    }

    /// <summary>The class-names block (version 4): u32 count, 0 or one per class, then each name;
    /// all of them at most <see cref="QnnxLimits.MaxClassNameBytes"/> bytes of UTF-8.</summary>
    private string[]? ReadClassNames(int classes)
    {
        where = "class names";
        var count = r.ReadUInt32();
        if (count == 0)
            return null;
        if (count != classes)
            throw Fail($"{count} names for a model of {classes} classes; expected {classes} or 0");
        Fits(count, 2, "class names");
        var names = new string[count];
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            var start = r.BaseStream.Position;
            names[i] = ReadName($"class name {i}");
            bytes += r.BaseStream.Position - start - 2;
            if (bytes > QnnxLimits.MaxClassNameBytes)
                throw Fail($"the class names take more than {QnnxLimits.MaxClassNameBytes} bytes");
        }
        return names;
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
        var size = ShapeValues("input shape", shape);
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
        // Version 5 adds unrounded inputs of 25..32 bits (real values, for layers that sum reals).
        var widest = version >= 5 ? InputStage.MaxBits : InputStage.MaxCodeBits;
        for (var i = 0; i < ranges; i++)
        {
            bits[i] = r.ReadByte();
            if (bits[i] < 1 || bits[i] > widest)
                throw Fail($"range {i}: {bits[i]}-bit codes; input bit widths must be 1..{widest}");
        }
        AddValues(size);
        flowingSize = size;
        flowing = bits.All(b => b <= InputStage.MaxCodeBits) ? Flow.Codes : Flow.Reals;
        return new InputStage(shape, low, high, bits);
    }

    /// <summary>The product of a shape's dimensions, within <see cref="QnnxLimits.MaxLayerValues"/>.</summary>
    private int ShapeValues(string what, int[] shape)
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
