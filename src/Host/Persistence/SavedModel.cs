using System.Text;
using System.Text.Json;
using Qnn.Host.Data;
using TorchSharp;

namespace Qnn.Host.Persistence;

/// <summary>What a saved model remembers besides its weights: enough to evaluate it on the same split.</summary>
public sealed record SavedModelInfo(
    string Model,
    string DataSet,
    string[] ClassNames,
    double Accuracy,
    int EvaluationBatchSize,
    uint SplitSeed,
    string? LabelColumn,
    string SavedAt);

/// <summary>
/// One file with the spec and the weights:
/// "QNNMODEL" (8 bytes), format version (int32 LE), spec JSON length and UTF-8 bytes, info JSON
/// length and bytes, then TorchSharp's state dict. Written to a temporary name and renamed, so a
/// crash never leaves half a model; read back with every size and the version checked.
/// </summary>
public static class SavedModel
{
    private static readonly byte[] Magic = "QNNMODEL"u8.ToArray();
    public const int Version = 1;

    public static void Save(string path, torch.nn.Module<torch.Tensor, torch.Tensor> model, ModelSpec spec, SavedModelInfo info)
    {
        AtomicFile.Write(path, temporary =>
        {
            using var stream = File.Create(temporary);
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(Version);
            WriteBlock(writer, Encoding.UTF8.GetBytes(global::Qnn.Spec.toJson(spec)));
            WriteBlock(writer, JsonSerializer.SerializeToUtf8Bytes(info));
            model.save(writer);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        });
    }

    /// <summary>Reads a saved model into a network built from its spec.</summary>
    public static (QuantizedNetwork Network, SavedModelInfo Info) Load(string path)
    {
        if (!File.Exists(path))
            throw new DataException($"{path}: no such file");
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            var magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
                throw new DataException($"{path}: not a qnn model file (it does not start with QNNMODEL)");
            var version = reader.ReadInt32();
            if (version != Version)
                throw new DataException($"{path}: model format version {version}; this qnn reads version {Version}");
            var specJson = Encoding.UTF8.GetString(ReadBlock(reader, path, "spec"));
            var info = JsonSerializer.Deserialize<SavedModelInfo>(ReadBlock(reader, path, "info"))
                ?? throw new DataException($"{path}: the model's info block is empty");
            var spec = global::Qnn.Spec.ofJson(specJson);
            if (spec.IsError)
                throw new DataException($"{path}: the stored spec is unreadable: {spec.ErrorValue}");
            var network = global::Qnn.Spec.build(spec.ResultValue);
            try
            {
                network.load(reader, strict: true);
            }
            catch (Exception e) when (e is not DataException)
            {
                network.Dispose();
                throw new DataException($"{path}: the weights do not fit the stored spec or are truncated ({e.Message})", e);
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
    }

    private static void WriteBlock(BinaryWriter writer, byte[] block)
    {
        writer.Write(block.Length);
        writer.Write(block);
    }

    private static byte[] ReadBlock(BinaryReader reader, string path, string what)
    {
        var length = reader.ReadInt32();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new DataException($"{path}: the {what} block claims {length} bytes; the file is truncated or corrupt");
        return reader.ReadBytes(length);
    }
}
