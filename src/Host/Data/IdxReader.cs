using System.IO.Compression;
using Qnn.Host.Persistence;

namespace Qnn.Host.Data;

/// <summary>
/// Reads IDX files (MNIST's format: big-endian magic 0x00000803 for images, 0x00000801 for
/// labels, then the dimensions), gzip'd or plain. The header is read first and what it announces
/// is checked before anything is allocated: at most <see cref="MaxValues"/> values, within the
/// memory this process may use, and (for a plain file) exactly the file's length. Then exactly
/// that many bytes are read: a gzip stream is inflated into the one buffer and no further (a
/// small file that inflates to gigabytes is refused, not unpacked), must end there, and must match
/// its trailer. Every inconsistency is a <see cref="DataException"/> naming the file.
/// </summary>
public static class IdxReader
{
    private const int ImagesMagic = 0x00000803;
    private const int LabelsMagic = 0x00000801;

    /// <summary>The most pixels (or labels) one file may hold: 2^28, a GiB as the float32 tensor
    /// training makes of them (all of MNIST's training images are 47 million).</summary>
    public const long MaxValues = 1L << 28;

    public sealed record Images(int Count, int Rows, int Columns, byte[] Pixels);

    public static Images ReadImages(string path) => ReadImages("--data-dir", path);

    public static Images ReadImages(string flag, string path)
    {
        using var source = Source.Open(flag, path);
        var header = source.Header(16);
        var magic = BigEndian(header, 0);
        if (magic != ImagesMagic)
            throw new DataException($"{path}: wrong magic number 0x{magic:x8}; an IDX image file starts with 0x{ImagesMagic:x8}");
        var (count, rows, columns) = (BigEndian(header, 4), BigEndian(header, 8), BigEndian(header, 12));
        if (count < 0 || rows <= 0 || columns <= 0)
            throw new DataException($"{path}: header says {count} images of {rows}×{columns}; that is not a valid image file");
        var values = (long)count * rows * columns;
        var pixels = source.Payload(values, $"{count:N0} images of {rows}×{columns}", bytesPerValueInMemory: 5);
        return new Images(count, rows, columns, pixels);
    }

    public static byte[] ReadLabels(string path) => ReadLabels("--data-dir", path);

    public static byte[] ReadLabels(string flag, string path)
    {
        using var source = Source.Open(flag, path);
        var header = source.Header(8);
        var magic = BigEndian(header, 0);
        if (magic != LabelsMagic)
            throw new DataException($"{path}: wrong magic number 0x{magic:x8}; an IDX label file starts with 0x{LabelsMagic:x8}");
        var count = BigEndian(header, 4);
        if (count < 0)
            throw new DataException($"{path}: header says {count} labels; that is not a valid label file");
        return source.Payload(count, $"{count:N0} labels", bytesPerValueInMemory: 9);
    }

    private static int BigEndian(byte[] bytes, int offset) =>
        (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];

    /// <summary>A file's bytes as a stream: inflated when it starts with gzip's magic.</summary>
    private sealed class Source : IDisposable
    {
        private readonly string path;
        private readonly FileStream file;
        private readonly Stream stream;
        private readonly bool gzip;
        private long position;

        private Source(string path, FileStream file, bool gzip)
        {
            this.path = path;
            this.file = file;
            this.gzip = gzip;
            stream = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
        }

        public static Source Open(string flag, string path)
        {
            var info = InputFile.Check(flag, path, long.MaxValue);
            if (info.Length == 0)
                throw new DataException($"{path}: the file is empty");
            FileStream file;
            try
            {
                file = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DataException($"{path}: cannot be read ({e.Message})", e);
            }
            var magic = new byte[2];
            var gzip = file.Read(magic, 0, 2) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            file.Position = 0;
            return new Source(path, file, gzip);
        }

        public byte[] Header(int length)
        {
            var header = new byte[length];
            var read = Read(header);
            if (read < length)
                throw new DataException($"{path}: the file ends inside its header ({read} bytes)");
            return header;
        }

        /// <summary>Exactly <paramref name="values"/> bytes after the header, checked before they are allocated.</summary>
        public byte[] Payload(long values, string announced, int bytesPerValueInMemory)
        {
            if (values > MaxValues)
                throw new DataException($"{path}: header says {announced} ({values:N0} values); qnn reads at most {MaxValues:N0} values from one file");
            var needed = values * bytesPerValueInMemory;
            var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            if (needed > available)
                throw new DataException($"{path}: header says {announced}, about {needed / (double)(1L << 30):F1} GiB once read, more than the {available / (double)(1L << 30):F1} GiB this process may use");
            if (!gzip && file.Length != position + values)
                throw new DataException($"{path}: header says {announced} ({position + values:N0} bytes) but the file has {file.Length:N0} bytes");
            var payload = new byte[values];
            var read = Read(payload);
            if (read < values)
                throw new DataException(gzip
                    ? $"{path}: the gzip data is truncated: header says {announced}, the data ends after {read:N0} of its {values:N0} bytes"
                    : $"{path}: the file is truncated after {read:N0} of {values:N0} bytes");
            if (Read(new byte[1]) != 0)
                throw new DataException($"{path}: header says {announced} ({values:N0} bytes after the header) but the data goes on past them");
            if (gzip)
                CheckTrailer();
            return payload;
        }

        /// <summary>.NET stops quietly at the end of a cut-off stream; gzip's trailer (the size mod
        /// 2^32) tells a complete file from a truncated one.</summary>
        private void CheckTrailer()
        {
            if (file.Length < 18)
                throw new DataException($"{path}: the gzip data is truncated (no trailer)");
            var trailer = new byte[4];
            file.Position = file.Length - 4;
            file.ReadExactly(trailer);
            var size = BitConverter.ToUInt32(trailer);
            if (size != (uint)position)
                throw new DataException($"{path}: the gzip data is truncated or corrupt (it decompresses to {position:N0} bytes; its trailer says {size:N0})");
        }

        private int Read(Span<byte> buffer)
        {
            var total = 0;
            try
            {
                while (total < buffer.Length)
                {
                    var read = stream.Read(buffer[total..]);
                    if (read == 0)
                        break;
                    total += read;
                }
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw new DataException($"{path}: the gzip data is truncated or corrupt ({e.Message})", e);
            }
            position += total;
            return total;
        }

        public void Dispose()
        {
            if (gzip)
                stream.Dispose();
            file.Dispose();
        }
    }
}
