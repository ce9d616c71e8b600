using System.Text;
using System.Text.Json;

namespace Qnn.Search.Spaces;

/// <summary>The canonical JSON of a space: every key its kind takes, in <see cref="SpaceKeys"/>
/// order, the optional extras only where present. Parsing it gives the same space, so a study can
/// store it and compare it with a later run's.</summary>
internal static class SpaceWriter
{
    public static string Write(SpaceDefinition d)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString(SpaceKeys.Kind, d.Kind);
            Range(w, SpaceKeys.InputBits, d.InputBits);
            if (!d.IsCnn)
            {
                w.WriteBoolean(SpaceKeys.FeatureBits, d.FeatureBits);
                Range(w, SpaceKeys.HiddenLayers, d.HiddenLayers);
                Ints(w, SpaceKeys.Units, d.Units);
            }
            else
            {
                Range(w, SpaceKeys.ConvLayers, d.ConvLayers);
                Ints(w, SpaceKeys.Channels, d.Channels);
                Range(w, SpaceKeys.Stride, d.Stride);
                Ints(w, SpaceKeys.Pool, d.Pool);
                Range(w, SpaceKeys.ConvBits, d.ConvBits);
                Range(w, SpaceKeys.FcLayers, d.FcLayers);
                Ints(w, SpaceKeys.FcUnits, d.FcUnits);
            }
            Range(w, SpaceKeys.LayerBits, d.LayerBits);
            Range(w, SpaceKeys.OutputBits, d.OutputBits);
            Strings(w, SpaceKeys.Weights, d.Weights.Select(x => x.ToString()));
            Strings(w, SpaceKeys.Activation, d.Activations.Select(x => x.ToString()));
            Numbers(w, SpaceKeys.Dropout, d.Dropout);
            Range(w, SpaceKeys.ActivationBits, d.ActivationBits);
            Numbers(w, SpaceKeys.ResteO, d.ResteO);
            Numbers(w, SpaceKeys.ResteThreshold, d.ResteThreshold);
            if (d.Separable is { } separable)
            {
                w.WriteStartArray(SpaceKeys.Separable);
                foreach (var v in separable) w.WriteBooleanValue(v);
                w.WriteEndArray();
            }
            Ints(w, SpaceKeys.Downscale, d.Downscale);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Range(Utf8JsonWriter w, string key, IntRange? range)
    {
        if (range is null) return;
        w.WriteStartObject(key);
        w.WriteNumber("min", range.Min);
        w.WriteNumber("max", range.Max);
        w.WriteEndObject();
    }

    private static void Ints(Utf8JsonWriter w, string key, int[]? values)
    {
        if (values is null) return;
        w.WriteStartArray(key);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    private static void Numbers(Utf8JsonWriter w, string key, double[]? values)
    {
        if (values is null) return;
        w.WriteStartArray(key);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    private static void Strings(Utf8JsonWriter w, string key, IEnumerable<string> values)
    {
        w.WriteStartArray(key);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
