using System.Text;
using System.Text.Json;
using Qnn.Host.Data;

namespace Qnn.Host.Persistence;

/// <summary>What a result file says about how it was made, for `qnn train --like FILE`: the model
/// (its name and spec), how many runs, and the <see cref="Provenance"/>.</summary>
public sealed record TrainingRecord(string Path, string Model, ModelSpec Spec, int Runs, Provenance Provenance);

/// <summary>
/// Reads a <see cref="TrainingRecord"/> from a `qnn train --json` result or a saved model (.qnn,
/// told by its magic bytes). A saved model is one run: its record trains that run again (its own
/// seed). A file without a record (written by a qnn before records), or whose record does not
/// read, is a <see cref="DataException"/> naming the file and the field.
/// </summary>
public static class TrainingRecordFile
{
    /// <summary>The largest `--json` result read.</summary>
    public const long MaxJsonBytes = 16L << 20;

    public static TrainingRecord Read(string flag, string path)
    {
        var file = InputFile.Check(flag, path, long.MaxValue);
        if (StartsWithModelMagic(flag, path, file))
            return FromSavedModel(flag, path);
        return FromResult(flag, path, InputFile.ReadAllText(flag, path, MaxJsonBytes));
    }

    private static bool StartsWithModelMagic(string flag, string path, FileInfo file)
    {
        try
        {
            using var stream = file.OpenRead();
            Span<byte> magic = stackalloc byte[8];
            return stream.ReadAtLeast(magic, 8, throwOnEndOfStream: false) == 8 && magic.SequenceEqual("QNNMODEL"u8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{flag} {path}: cannot be read ({e.Message})");
        }
    }

    private static TrainingRecord FromSavedModel(string flag, string path)
    {
        var (network, info) = SavedModel.Load(path, flag);
        using var _ = network;
        if (info.Provenance is null)
            throw new DataException($"{path}: this saved model does not record how it was trained (a qnn before training records saved it); give the flags instead of --like");
        return new TrainingRecord(path, info.Model, network.Spec, 1, info.Provenance);
    }

    private static TrainingRecord FromResult(string flag, string path, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new JsonException($"$: expected the object `qnn train --json` writes, found {root.ValueKind}");
            if (!root.TryGetProperty("provenance", out var provenance))
                throw new DataException($"{path}: this result does not record how it was trained (a qnn before training records wrote it); give the flags instead of --like");
            var model = Required(root, "model", JsonValueKind.String).GetString()!;
            var specJson = Required(root, "spec", JsonValueKind.Object).GetRawText();
            var spec = global::Qnn.Spec.ofJson(specJson);
            if (spec.IsError)
                throw new JsonException($"$.spec{spec.ErrorValue.TrimStart('$')}");
            var errors = global::Qnn.Spec.validate(spec.ResultValue).Where(d => d.IsError).ToList();
            if (errors.Count > 0)
                throw new DataException($"{path}: the recorded spec breaks the model rules:\n" + string.Join("\n", errors.Select(d => $"  {d.Code} {d.Path}: {d.Message}")));
            var runs = Required(root, "runs", JsonValueKind.Number);
            if (!runs.TryGetInt32(out var runCount) || runCount < 1)
                throw new JsonException($"$.runs: expected an integer of at least 1, found {runs.GetRawText()}");
            return new TrainingRecord(path, model, spec.ResultValue, runCount, ProvenanceJson.Read(provenance, "$.provenance"));
        }
        catch (JsonException e)
        {
            throw new DataException($"{flag} {path}: not a readable training record: {e.Message}", e);
        }
    }

    private static JsonElement Required(JsonElement root, string name, JsonValueKind kind)
    {
        if (!root.TryGetProperty(name, out var value))
            throw new JsonException($"$: missing field \"{name}\"");
        if (value.ValueKind != kind)
            throw new JsonException($"$.{name}: expected {kind}, found {value.ValueKind}");
        return value;
    }
}
