using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Qnn.Search.Storage;

/// <summary>A study's settings as the JSON text of <c>studies.settings</c>, and the check that a
/// search continuing a study asks for the same one.</summary>
internal static class StudySettingsJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Write(StudySettings settings) => JsonSerializer.Serialize(settings, Options);

    public static StudySettings Read(string json, string study)
    {
        try
        {
            return JsonSerializer.Deserialize<StudySettings>(json, Options)
                ?? throw new StudyStoreException($"study '{study}' has no settings in its store");
        }
        catch (JsonException e)
        {
            throw new StudyStoreException($"study '{study}' has unreadable settings in its store: {e.Message}", e);
        }
    }

    /// <summary>Throws <see cref="StudyMismatchException"/> naming the first setting that changes
    /// what the study's trials mean.</summary>
    public static void Check(StudySettings stored, StudySettings wanted)
    {
        if (!SameJson(stored.Space, wanted.Space))
            throw new StudyMismatchException(stored.Name, "space", null, null);
        Same("dataset", stored.Dataset, wanted.Dataset);
        Same("sampler", stored.Sampler, wanted.Sampler);
        Same("cost", stored.Cost, wanted.Cost);
        Same("folds", stored.Folds.ToString(CultureInfo.InvariantCulture), wanted.Folds.ToString(CultureInfo.InvariantCulture));
        Same("epochs", stored.Epochs.ToString(CultureInfo.InvariantCulture), wanted.Epochs.ToString(CultureInfo.InvariantCulture));
        // The target and its limits decide each trial's device costs and which candidates were trained.
        Same("target", stored.Target ?? "none", wanted.Target ?? "none");
        Same("max-flash", Bytes(stored.MaxFlash), Bytes(wanted.MaxFlash));
        Same("max-ram", Bytes(stored.MaxRam), Bytes(wanted.MaxRam));
        Same("validation-split", stored.ValidationSplit.ToString(CultureInfo.InvariantCulture), wanted.ValidationSplit.ToString(CultureInfo.InvariantCulture));

        static string Bytes(long? limit) => limit?.ToString(CultureInfo.InvariantCulture) ?? "none";

        void Same(string field, string a, string b)
        {
            if (!string.Equals(a, b, StringComparison.Ordinal))
                throw new StudyMismatchException(stored.Name, field, a, b);
        }
    }

    // The space is compared as JSON, so whitespace or key order written by another qnn does not count.
    private static bool SameJson(string a, string b)
    {
        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(a), JsonNode.Parse(b));
        }
        catch (JsonException)
        {
            return string.Equals(a, b, StringComparison.Ordinal);
        }
    }
}
