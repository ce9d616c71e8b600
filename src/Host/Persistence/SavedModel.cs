using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Qnn.Host.Data;
using TorchSharp;

namespace Qnn.Host.Persistence;

/// <summary>
/// One file with the spec and the weights, version 2:
/// "QNNMODEL" (8 bytes), format version (int32 LE), spec JSON length and UTF-8 bytes, info JSON
/// length and bytes, TorchSharp's state dict, "END!", and a CRC-32C (Castagnoli, u32 LE) of every
/// byte before it. Version 1 is the same without "END!" and the checksum; it still loads. Read
/// back with the checksum, every size, the stored spec's rules and the info's values checked,
/// and nothing allowed after the end: a file that fails any of it is a <see cref="DataException"/>
/// (exit 3) naming what is wrong.
/// </summary>
public static class SavedModel
{
    private static readonly byte[] Magic = "QNNMODEL"u8.ToArray();
    private static readonly byte[] End = "END!"u8.ToArray();
    public const int Version = 2;

    /// <summary>The largest evaluation batch a saved model may ask for.</summary>
    public const int MaxEvaluationBatchSize = 1 << 20;

    /// <summary>Writes the model to <paramref name="path"/> through a temporary file.</summary>
    public static void Save(string path, torch.nn.Module<torch.Tensor, torch.Tensor> model, ModelSpec spec, SavedModelInfo info) =>
        AtomicFile.Write(path, temporary => Write(temporary, model, spec, info));

    /// <summary>Writes the model to <paramref name="file"/> as it is (callers write to a temporary name).</summary>
    public static void Write(string file, torch.nn.Module<torch.Tensor, torch.Tensor> model, ModelSpec spec, SavedModelInfo info)
    {
        using var content = new MemoryStream();
        using (var writer = new BinaryWriter(content, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            WriteBlock(writer, Encoding.UTF8.GetBytes(global::Qnn.Spec.toJson(spec)));
            WriteBlock(writer, JsonSerializer.SerializeToUtf8Bytes(info));
            model.save(writer);
            writer.Write(End);
            writer.Flush();
        }
        var checksum = Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, content.GetBuffer().AsSpan(0, (int)content.Length));
        using var stream = File.Create(file);
        content.Position = 0;
        content.CopyTo(stream);
        stream.Write(BitConverter.GetBytes(checksum));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Reads a saved model into a network built from its spec; <paramref name="flag"/>
    /// names where the path came from in the messages about the file itself.</summary>
    public static (QuantizedNetwork Network, SavedModelInfo Info) Load(string path, string flag = "--load")
    {
        var file = InputFile.Check(flag, path, long.MaxValue);
        FileStream stream;
        try
        {
            stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{flag} {path}: cannot be read ({e.Message})", e);
        }
        using var _ = stream;
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            var magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
                throw new DataException($"{path}: not a qnn model file (it does not start with QNNMODEL)");
            var version = reader.ReadInt32();
            if (version is < 1 or > Version)
                throw new DataException($"{path}: model format version {version}; this qnn reads versions 1 to {Version}");
            // Version 2 ends in "END!" and a checksum of everything before it: check it first.
            var contentEnd = stream.Length - (version >= 2 ? End.Length + 4 : 0);
            if (version >= 2)
                VerifyChecksum(path, stream, contentEnd);
            var specJson = Encoding.UTF8.GetString(ReadBlock(reader, contentEnd, path, "spec"));
            var info = JsonSerializer.Deserialize<SavedModelInfo>(ReadBlock(reader, contentEnd, path, "info"))
                ?? throw new DataException($"{path}: the model's info block is empty");
            var spec = ReadSpec(path, specJson);
            CheckInfo(path, info, spec);
            var network = global::Qnn.Spec.build(spec);
            try
            {
                network.load(reader, strict: true);
            }
            catch (Exception e) when (e is not DataException)
            {
                network.Dispose();
                throw new DataException($"{path}: the weights do not fit the stored spec or are truncated ({e.Message})", e);
            }
            if (version >= 2 && (stream.Position != contentEnd || !reader.ReadBytes(End.Length).AsSpan().SequenceEqual(End)))
            {
                network.Dispose();
                throw new DataException($"{path}: the weights do not end where the file's end marker is (bytes {stream.Position} and {contentEnd})");
            }
            if (version == 1 && stream.Position != stream.Length)
            {
                network.Dispose();
                throw new DataException($"{path}: {stream.Length - stream.Position} bytes follow the model's weights");
            }
            return (network, info);
        }
        catch (EndOfStreamException e)
        {
            throw new DataException($"{path}: the file is truncated", e);
        }
        catch (JsonException e)
        {
            throw new DataException($"{path}: the model's info block is corrupt ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new DataException($"{path}: cannot be read ({e.Message})", e);
        }
    }

    private static void VerifyChecksum(string path, FileStream stream, long contentEnd)
    {
        if (contentEnd < stream.Position)
            throw new DataException($"{path}: the file is truncated (it has no room for its end marker and checksum)");
        var start = stream.Position;
        stream.Position = 0;
        var crc = new Crc32(Crc32ParameterSet.Crc32C);
        var buffer = new byte[1 << 16];
        var left = contentEnd + End.Length;
        while (left > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
                throw new DataException($"{path}: the file is truncated");
            crc.Append(buffer.AsSpan(0, read));
            left -= read;
        }
        Span<byte> stored = stackalloc byte[4];
        stream.ReadExactly(stored);
        var expected = BitConverter.ToUInt32(stored);
        var actual = crc.GetCurrentHashAsUInt32();
        if (expected != actual)
            throw new DataException($"{path}: checksum mismatch: the file records CRC-32C 0x{expected:x8} but its content hashes to 0x{actual:x8}; the file is corrupted or truncated");
        stream.Position = start;
    }

    private static ModelSpec ReadSpec(string path, string json)
    {
        var read = global::Qnn.Spec.ofJson(json);
        if (read.IsError)
            throw new DataException($"{path}: the stored spec is unreadable: {read.ErrorValue}");
        var errors = global::Qnn.Spec.validate(read.ResultValue).Where(d => d.IsError).ToList();
        if (errors.Count > 0)
            throw new DataException($"{path}: the stored spec breaks the model rules:\n" + string.Join("\n", errors.Select(d => $"  {d.Code} {d.Path}: {d.Message}")));
        return read.ResultValue;
    }

    /// <summary>The info's numbers must mean something before evaluation uses them.</summary>
    private static void CheckInfo(string path, SavedModelInfo info, ModelSpec spec)
    {
        if (info.EvaluationBatchSize is < 1 or > MaxEvaluationBatchSize)
            throw new DataException($"{path}: the evaluation batch size is {info.EvaluationBatchSize}; it must be 1..{MaxEvaluationBatchSize}");
        if (!double.IsFinite(info.Accuracy) || info.Accuracy is < 0 or > 1)
            throw new DataException($"{path}: the recorded accuracy is {info.Accuracy}; it must be in [0, 1]");
        var outputs = global::Qnn.Spec.shapes(spec)[^1].Shape[0];
        if (info.ClassNames is null || info.ClassNames.Length != outputs)
            throw new DataException($"{path}: the info names {info.ClassNames?.Length ?? 0} classes for a model with {outputs} outputs");
        if (string.IsNullOrEmpty(info.Model) || string.IsNullOrEmpty(info.DataSet))
            throw new DataException($"{path}: the info block names no model or no data set");
    }

    private static void WriteBlock(BinaryWriter writer, byte[] block)
    {
        writer.Write(block.Length);
        writer.Write(block);
    }

    private static byte[] ReadBlock(BinaryReader reader, long contentEnd, string path, string what)
    {
        var length = reader.ReadInt32();
        if (length < 0 || length > contentEnd - reader.BaseStream.Position)
            throw new DataException($"{path}: the {what} block claims {length} bytes; the file is truncated or corrupt");
        return reader.ReadBytes(length);
    }
}
