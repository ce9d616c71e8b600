using Xunit;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Qnn.Engine.Format;

namespace Qnn.Engine.Tests;

/// <summary>.qnnx bytes for tests: a model's file, a file resealed after an edit (its checksum
/// recomputed, as a deliberate forger would), the older layouts, and crafted files written field by field.</summary>
internal static class QnnxBytes
{
    public static byte[] Of(EngineModel model)
    {
        using var stream = new MemoryStream();
        QnnxFormat.Write(model, stream);
        return stream.ToArray();
    }

    public static EngineModel Read(byte[] bytes) => QnnxFormat.Read(new MemoryStream(bytes));

    public static string Refusal(byte[] bytes) => Assert.Throws<QnnxFormatException>(() => Read(bytes)).Message;

    /// <summary>The CRC-32C of <paramref name="content"/>, computed here independently of the engine.</summary>
    public static uint Crc(ReadOnlySpan<byte> content) => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, content);

    /// <summary>Rewrites the trailing checksum of an edited version-3 file so that only the
    /// reader's checks of meaning can refuse it.</summary>
    public static byte[] Reseal(byte[] bytes)
    {
        var sealedBytes = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(sealedBytes.AsSpan(sealedBytes.Length - 4), Crc(sealedBytes.AsSpan(0, sealedBytes.Length - 4)));
        return sealedBytes;
    }

    /// <summary>A test model in the version-4, 3, 2 or 1 layout. The writer writes only the
    /// current version, so version 4 is a file it wrote (Files/, from QnnxTestModels: the CNN and
    /// the two integer MLPs): version 4 stores n-bit integers a byte each; below it no class-names
    /// block (only for a model without names), and below version 3 no checksum after "END!".</summary>
    public static byte[] AsVersion(EngineModel model, ushort version)
    {
        var version4 = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Files", VersionFourFiles[model.Name]));
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(version4.AsSpan(4)));
        if (version == 4)
            return version4;
        var content = version4[..^4];
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, content[^8..^4]);
        var old = content[..^8].Concat(content[^4..]).ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(old.AsSpan(4), version);
        return version >= 3 ? old.Concat(BitConverter.GetBytes(Crc(old))).ToArray() : old;
    }

    private static readonly Dictionary<string, string> VersionFourFiles = new()
    {
        [QnnxTestModels.Cnn().Name] = "cnn.v4.qnnx",
        ["NBitsFirst"] = "nbits-first.v4.qnnx",
        ["TernaryFirst"] = "ternary-first.v4.qnnx",
    };

    /// <summary>A file written field by field: header, <paramref name="body"/>, "END!" and the checksum.</summary>
    public static byte[] Crafted(Action<BinaryWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("QNNX"u8);
            w.Write((ushort)3);
            w.Write((ushort)0);
            body(w);
            w.Write("END!"u8);
        }
        var content = stream.ToArray();
        return content.Concat(BitConverter.GetBytes(Crc(content))).ToArray();
    }

    public static void Name(BinaryWriter w, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        w.Write((ushort)bytes.Length);
        w.Write(bytes);
    }

    /// <summary>The model name and an input of <paramref name="shape"/> with one range.</summary>
    public static void Input(BinaryWriter w, int[] shape, float low = 0, float high = 1, byte bits = 8)
    {
        Name(w, "crafted");
        w.Write((byte)shape.Length);
        foreach (var d in shape) w.Write(d);
        w.Write(1);
        w.Write(low);
        w.Write(high);
        w.Write(bits);
    }

    public static void Thresholds(BinaryWriter w, int count, int threshold = 0)
    {
        w.Write((byte)1);
        w.Write(count);
        for (var i = 0; i < count; i++)
        {
            w.Write(threshold);
            w.Write((byte)ThresholdDirection.AtLeast);
        }
    }

    public static void Logits(BinaryWriter w, int count)
    {
        w.Write((byte)2);
        w.Write(count);
        w.Write(1f);
        for (var i = 0; i < 2 * count; i++) w.Write(1f);
    }

    public static void Words(BinaryWriter w, int count)
    {
        w.Write(count);
        for (var i = 0; i < count; i++) w.Write(0x5555_5555_5555_5555UL);
    }

    /// <summary>A conv layer's kind, name and nine geometry fields.</summary>
    public static void Conv(BinaryWriter w, int channels, int height, int width, int outChannels, int kernel, int stride, int padding, int dilation, int groups)
    {
        w.Write((byte)LayerKind.Conv);
        Name(w, "conv1");
        foreach (var v in new[] { channels, height, width, outChannels, kernel, stride, padding, dilation, groups })
            w.Write(v);
    }
}
