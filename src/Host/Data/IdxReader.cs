using System.IO.Compression;

namespace Qnn.Host.Data;

/// <summary>
/// Reads IDX files (MNIST's format: big-endian magic 0x00000803 for images, 0x00000801 for
/// labels, then the dimensions), gzip'd or plain. Counts come from the headers; every
/// inconsistency is a <see cref="DataException"/> naming the file.
/// </summary>
public static class IdxReader
{
    private const int ImagesMagic = 0x00000803;
    private const int LabelsMagic = 0x00000801;

    public sealed record Images(int Count, int Rows, int Columns, byte[] Pixels);

    public static Images ReadImages(string path)
    {
        var bytes = ReadAll(path);
        var magic = BigEndian(bytes, 0, path);
        if (magic != ImagesMagic)
            throw new DataException($"{path}: wrong magic number 0x{magic:x8}; an IDX image file starts with 0x{ImagesMagic:x8}");
        var count = BigEndian(bytes, 4, path);
        var rows = BigEndian(bytes, 8, path);
        var columns = BigEndian(bytes, 12, path);
        if (count < 0 || rows <= 0 || columns <= 0)
            throw new DataException($"{path}: header says {count} images of {rows}×{columns}; that is not a valid image file");
        var expected = 16L + (long)count * rows * columns;
        if (bytes.Length != expected)
            throw new DataException($"{path}: header says {count} images of {rows}×{columns} ({expected:N0} bytes) but the file has {bytes.Length:N0} bytes");
        return new Images(count, rows, columns, bytes.AsSpan(16).ToArray());
    }

    public static byte[] ReadLabels(string path)
    {
        var bytes = ReadAll(path);
        var magic = BigEndian(bytes, 0, path);
        if (magic != LabelsMagic)
            throw new DataException($"{path}: wrong magic number 0x{magic:x8}; an IDX label file starts with 0x{LabelsMagic:x8}");
        var count = BigEndian(bytes, 4, path);
        if (count < 0 || bytes.Length != 8L + count)
            throw new DataException($"{path}: header says {count} labels but the file has {bytes.Length - 8:N0} label bytes");
        return bytes.AsSpan(8).ToArray();
    }

    /// <summary>The file's bytes, gunzipped when it starts with gzip's magic.</summary>
    private static byte[] ReadAll(string path)
    {
        byte[] raw;
        try
        {
            raw = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot read: {e.Message}", e);
        }
        if (raw.Length == 0)
            throw new DataException($"{path}: the file is empty");
        if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b)
            return raw;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            // .NET stops quietly at the end of a cut-off stream; gzip's trailer (the size mod 2^32)
            // tells a complete file from a truncated one.
            var trailer = BitConverter.ToUInt32(raw, raw.Length - 4);
            if (raw.Length < 18 || trailer != (uint)output.Length)
                throw new DataException($"{path}: the gzip data is truncated (it decompresses to {output.Length:N0} bytes; its trailer says {trailer:N0})");
            return output.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new DataException($"{path}: the gzip data is truncated or corrupt ({e.Message})", e);
        }
    }

    private static int BigEndian(byte[] bytes, int offset, string path)
    {
        if (bytes.Length < offset + 4)
            throw new DataException($"{path}: the file ends inside its header ({bytes.Length} bytes)");
        return (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];
    }
}
