using System.Text.Json;
using System.Text.Json.Serialization;
using Qnn.Host.Data;

namespace Qnn.Host.Persistence;

/// <summary>
/// <see cref="Provenance"/> as JSON. Every field is written and every field is required on
/// reading, with its type and range checked and unknown fields refused (a record that cannot say
/// how it was made is no record):
/// <code>
/// { "qnn_version": "1.0.0", "source_commit": "f8b0340…" | null,
///   "training": { …TrainConfigJson… },
///   "data": { "dataset": "vertebral", "source": "embedded", "split_seed": 42 | null,
///             "test_fraction": 0.2 | null, "label_column": null, "train_samples": 248, "test_samples": 62 },
///   "threads": 2 }
/// </code>
/// </summary>
public static class ProvenanceJson
{
    private static readonly string[] Fields = { "qnn_version", "source_commit", "training", "data", "threads" };
    private static readonly string[] DataFields = { "dataset", "source", "split_seed", "test_fraction", "label_column", "train_samples", "test_samples" };

    /// <summary>The longest string a record may hold (a data set's path, a version).</summary>
    public const int MaxText = 4096;

    public static void Write(Utf8JsonWriter writer, Provenance record)
    {
        writer.WriteStartObject();
        writer.WriteString("qnn_version", record.QnnVersion);
        writer.WriteString("source_commit", record.SourceCommit);
        writer.WritePropertyName("training");
        TrainConfigJson.write(writer, record.Training);
        writer.WriteStartObject("data");
        var data = record.Data;
        writer.WriteString("dataset", data.DataSet);
        writer.WriteString("source", data.Source);
        if (data.Split is { } split)
        {
            writer.WriteNumber("split_seed", split.Seed);
            writer.WriteNumber("test_fraction", split.TestFraction);
        }
        else
        {
            writer.WriteNull("split_seed");
            writer.WriteNull("test_fraction");
        }
        writer.WriteString("label_column", data.Split?.LabelColumn);
        writer.WriteNumber("train_samples", data.TrainSamples);
        writer.WriteNumber("test_samples", data.TestSamples);
        writer.WriteEndObject();
        writer.WriteNumber("threads", record.Threads);
        writer.WriteEndObject();
    }

    /// <summary>The record as compact JSON text.</summary>
    public static string ToJson(Provenance record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            Write(writer, record);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads the record at <paramref name="path"/>; a <see cref="JsonException"/> names the field at fault.</summary>
    public static Provenance Read(JsonElement element, string path)
    {
        var fields = Properties(element, path, Fields);
        var training = TrainConfigJson.readAt($"{path}.training", fields["training"].GetRawText());
        if (training.IsError)
            throw new JsonException(training.ErrorValue);
        var dataPath = $"{path}.data";
        var data = Properties(fields["data"], dataPath, DataFields);
        var seed = data["split_seed"].ValueKind == JsonValueKind.Null ? (uint?)null : UInt(data["split_seed"], $"{dataPath}.split_seed");
        var fraction = data["test_fraction"].ValueKind == JsonValueKind.Null ? (double?)null : Fraction(data["test_fraction"], $"{dataPath}.test_fraction");
        if (seed.HasValue != fraction.HasValue)
            throw new JsonException($"{dataPath}: split_seed and test_fraction are both numbers (a table's split) or both null (an image data set)");
        var labelColumn = Text(data["label_column"], $"{dataPath}.label_column", nullable: true);
        var split = seed is { } s ? new TableSplit(s, fraction!.Value, labelColumn) : null;
        if (split is null && labelColumn is not null)
            throw new JsonException($"{dataPath}.label_column: an image data set has no label column");
        return new Provenance(
            training.ResultValue,
            new DataProvenance(Text(data["dataset"], $"{dataPath}.dataset")!, Text(data["source"], $"{dataPath}.source")!, split,
                Count(data["train_samples"], $"{dataPath}.train_samples"), Count(data["test_samples"], $"{dataPath}.test_samples")),
            Count(fields["threads"], $"{path}.threads", minimum: 1),
            Text(fields["qnn_version"], $"{path}.qnn_version")!,
            Text(fields["source_commit"], $"{path}.source_commit", nullable: true));
    }

    private static Dictionary<string, JsonElement> Properties(JsonElement element, string path, string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new JsonException($"{path}: expected an object, found {element.ValueKind}");
        var found = new Dictionary<string, JsonElement>();
        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
                throw new JsonException($"{path}.{property.Name}: unknown field; expected one of: {string.Join(", ", allowed)}");
            if (!found.TryAdd(property.Name, property.Value))
                throw new JsonException($"{path}.{property.Name}: duplicate key; each field may appear once");
        }
        var missing = allowed.FirstOrDefault(name => !found.ContainsKey(name));
        if (missing is not null)
            throw new JsonException($"{path}: missing field \"{missing}\"");
        return found;
    }

    private static string? Text(JsonElement element, string path, bool nullable = false)
    {
        if (nullable && element.ValueKind == JsonValueKind.Null)
            return null;
        if (element.ValueKind != JsonValueKind.String)
            throw new JsonException($"{path}: expected a string{(nullable ? " or null" : "")}, found {element.ValueKind}");
        var text = element.GetString()!;
        if (text.Length is 0 or > MaxText)
            throw new JsonException($"{path}: {text.Length} characters; it must have 1 to {MaxText}");
        return text;
    }

    private static int Count(JsonElement element, string path, int minimum = 0)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var value) || value < minimum)
            throw new JsonException($"{path}: expected an integer of at least {minimum}, found {element.GetRawText()}");
        return value;
    }

    private static uint UInt(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetUInt32(out var value))
            throw new JsonException($"{path}: expected an integer 0..{uint.MaxValue}, found {element.GetRawText()}");
        return value;
    }

    private static double Fraction(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || !(value > 0 && value < 1))
            throw new JsonException($"{path}: expected a fraction between 0 and 1, found {element.GetRawText()}");
        return value;
    }
}

/// <summary>Lets System.Text.Json write and read <see cref="Provenance"/> inside the `--json`
/// result and the saved model's info, in <see cref="ProvenanceJson"/>'s form.</summary>
public sealed class ProvenanceJsonConverter : JsonConverter<Provenance>
{
    public override Provenance Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return ProvenanceJson.Read(document.RootElement, "provenance");
    }

    public override void Write(Utf8JsonWriter writer, Provenance value, JsonSerializerOptions options) =>
        ProvenanceJson.Write(writer, value);
}
