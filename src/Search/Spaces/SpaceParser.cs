using System.Globalization;
using System.Text.Json;

namespace Qnn.Search.Spaces;

/// <summary>Reads a search space's JSON into a <see cref="SpaceDefinition"/>, checking every key:
/// known for its kind, of the right form (a range <c>{"min": a, "max": b}</c> or a non-empty array
/// of distinct choices), and expressible as a model spec. Keys left out take the built-in space's
/// values of that kind; the optional extras stay absent.</summary>
internal static class SpaceParser
{
    public static SpaceDefinition Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new SearchSpaceException($"the search space is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new SearchSpaceException("a search space is a JSON object of keys such as \"kind\", \"units\" and \"weights\"");
            var seen = new HashSet<string>();
            foreach (var property in root.EnumerateObject())
                if (!seen.Add(property.Name))
                    throw new SearchSpaceException(property.Name, "appears twice");
            if (!root.TryGetProperty(SpaceKeys.Kind, out var kindElement))
                throw new SearchSpaceException(SpaceKeys.Kind, "is missing; it must be \"mlp\" or \"cnn\"");
            var kind = kindElement.ValueKind == JsonValueKind.String ? kindElement.GetString() : null;
            var definition = kind is null ? null : BuiltinSpaces.Named(kind);
            if (definition is null)
                throw new SearchSpaceException(SpaceKeys.Kind, $"is {kindElement.GetRawText()}; it must be \"mlp\" or \"cnn\"");
            var allowed = definition.IsCnn ? SpaceKeys.OfCnn : SpaceKeys.OfMlp;
            foreach (var property in root.EnumerateObject())
                if (!allowed.Contains(property.Name))
                    throw new SearchSpaceException(property.Name, $"is not a key of a {kind} space; its keys are {string.Join(", ", allowed)}");
            foreach (var property in root.EnumerateObject())
                definition = Apply(definition, property.Name, property.Value);
            return definition;
        }
    }

    private static SpaceDefinition Apply(SpaceDefinition d, string key, JsonElement value) => key switch
    {
        SpaceKeys.Kind => d,
        SpaceKeys.InputBits => d with { InputBits = Range(key, value, 1, SpaceKeys.MaxInputBits) },
        SpaceKeys.FeatureBits => d with { FeatureBits = Bool(key, value) },
        SpaceKeys.HiddenLayers => d with { HiddenLayers = Range(key, value, 0, SpaceKeys.MaxLayers) },
        SpaceKeys.Units => d with { Units = Ints(key, value, 1, int.MaxValue) },
        SpaceKeys.ConvLayers => d with { ConvLayers = Range(key, value, 0, SpaceKeys.MaxLayers) },
        SpaceKeys.Channels => d with { Channels = Ints(key, value, 1, int.MaxValue) },
        SpaceKeys.Stride => d with { Stride = Range(key, value, 1, int.MaxValue) },
        SpaceKeys.Pool => d with { Pool = Ints(key, value, 1, int.MaxValue) },
        SpaceKeys.ConvBits => d with { ConvBits = Range(key, value, 1, SpaceKeys.MaxBits) },
        SpaceKeys.FcLayers => d with { FcLayers = Range(key, value, 0, SpaceKeys.MaxLayers) },
        SpaceKeys.FcUnits => d with { FcUnits = Ints(key, value, 1, int.MaxValue) },
        SpaceKeys.LayerBits => d with { LayerBits = Range(key, value, 1, SpaceKeys.MaxBits) },
        SpaceKeys.OutputBits => d with { OutputBits = Range(key, value, 1, SpaceKeys.MaxBits) },
        SpaceKeys.Weights => d with { Weights = Names<WeightChoice>(key, value) },
        SpaceKeys.Activation => d with { Activations = Names<Activation>(key, value) },
        SpaceKeys.Dropout => d with { Dropout = Numbers(key, value, x => x >= 0 && x < 1, "in [0, 1)") },
        SpaceKeys.ActivationBits => d with { ActivationBits = Range(key, value, 1, SpaceKeys.MaxBits) },
        SpaceKeys.ResteO => d with { ResteO = Numbers(key, value, x => x >= 1, "at least 1") },
        SpaceKeys.ResteThreshold => d with { ResteThreshold = Numbers(key, value, x => x > 0, "above 0") },
        SpaceKeys.Separable => d with { Separable = Choices(key, value, (e, i) => e.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? e.GetBoolean() : throw new SearchSpaceException(key, $"choice {i} is {e.GetRawText()}; it must be true or false")) },
        SpaceKeys.Downscale => d with { Downscale = Ints(key, value, 1, int.MaxValue) },
        _ => throw new SearchSpaceException(key, "is not a search space key"),
    };

    private static bool Bool(string key, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new SearchSpaceException(key, $"is {value.GetRawText()}; it must be true or false"),
    };

    private static int Int(string key, string where, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : throw new SearchSpaceException(key, $"{where} is {value.GetRawText()}; it must be an integer");

    /// <summary>A range <c>{"min": a, "max": b}</c> within [lowest, highest].</summary>
    private static IntRange Range(string key, JsonElement value, int lowest, int highest)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SearchSpaceException(key, $"is {value.GetRawText()}; it must be a range {{\"min\": a, \"max\": b}}");
        int? min = null, max = null;
        foreach (var p in value.EnumerateObject())
        {
            if (p.Name == "min") min = Int(key, "min", p.Value);
            else if (p.Name == "max") max = Int(key, "max", p.Value);
            else throw new SearchSpaceException(key, $"has \"{p.Name}\"; a range has only \"min\" and \"max\"");
        }
        if (min is null || max is null)
            throw new SearchSpaceException(key, $"needs both \"min\" and \"max\"");
        if (min > max)
            throw new SearchSpaceException(key, $"has min {min} > max {max}");
        if (min < lowest || max > highest)
            throw new SearchSpaceException(key, $"is {min}..{max}; a model spec takes {Describe(lowest, highest)}");
        return new IntRange(min.Value, max.Value);
    }

    private static string Describe(int lowest, int highest) =>
        highest == int.MaxValue ? $"{lowest} or more" : $"{lowest}..{highest}";

    /// <summary>A non-empty array of elements, each read by <paramref name="read"/>, with no repeats.</summary>
    private static T[] Choices<T>(string key, JsonElement value, Func<JsonElement, int, T> read)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw new SearchSpaceException(key, $"is {value.GetRawText()}; it must be an array of choices");
        var items = value.EnumerateArray().Select((e, i) => read(e, i)).ToArray();
        if (items.Length == 0)
            throw new SearchSpaceException(key, "is an empty choice; it needs at least one value");
        var repeated = items.GroupBy(x => x).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw new SearchSpaceException(key, $"offers {repeated.Key} more than once");
        return items;
    }

    private static int[] Ints(string key, JsonElement value, int lowest, int highest) =>
        Choices(key, value, (e, i) =>
        {
            var n = Int(key, $"choice {i}", e);
            return n >= lowest && n <= highest
                ? n
                : throw new SearchSpaceException(key, $"choice {i} is {n}; a model spec takes {Describe(lowest, highest)}");
        });

    private static double[] Numbers(string key, JsonElement value, Func<double, bool> valid, string rule) =>
        Choices(key, value, (e, i) =>
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var x) || !double.IsFinite(x))
                throw new SearchSpaceException(key, $"choice {i} is {e.GetRawText()}; it must be a number");
            return valid(x)
                ? x
                : throw new SearchSpaceException(key, $"choice {i} is {x.ToString(CultureInfo.InvariantCulture)}; it must be {rule}");
        });

    /// <summary>Enum names, case-insensitive (canonical spelling kept).</summary>
    private static T[] Names<T>(string key, JsonElement value) where T : struct, Enum =>
        Choices(key, value, (e, i) =>
        {
            var text = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            if (text is not null && !int.TryParse(text, out _) && Enum.TryParse<T>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
                return parsed;
            throw new SearchSpaceException(key, $"choice {i} is {e.GetRawText()}; it must be one of {string.Join(", ", Enum.GetNames<T>())}");
        });
}
