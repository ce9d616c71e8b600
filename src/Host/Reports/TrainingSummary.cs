using Qnn.Host.Persistence;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qnn.Host.Reports;

/// <summary>What `qnn train --json` writes; the text output shows the same numbers. <c>spec</c> is
/// the trained model's spec and <c>provenance</c> how it was trained, so `qnn train --like` can
/// train it again.</summary>
public sealed record TrainingSummary(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("dataset")] string DataSet,
    [property: JsonPropertyName("runs")] int Runs,
    [property: JsonPropertyName("epochs")] int Epochs,
    [property: JsonPropertyName("train_samples")] int TrainSamples,
    [property: JsonPropertyName("test_samples")] int TestSamples,
    [property: JsonPropertyName("accuracies")] double[] Accuracies,
    [property: JsonPropertyName("max")] double Max,
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("std")] double Std,
    [property: JsonPropertyName("seconds_per_epoch")] double SecondsPerEpoch,
    [property: JsonPropertyName("epochs_run")] int[] EpochsRun,
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("spec")] System.Text.Json.Nodes.JsonNode Spec,
    [property: JsonPropertyName("provenance")] Provenance Provenance)
{
    /// <summary>The median training time of an epoch over every epoch of every run.</summary>
    public static double MedianEpochSeconds(IEnumerable<RunResult> runs)
    {
        var seconds = runs.SelectMany(r => r.History.Select(e => e.Seconds)).OrderBy(s => s).ToArray();
        if (seconds.Length == 0) return 0;
        var middle = seconds.Length / 2;
        return seconds.Length % 2 == 1 ? seconds[middle] : (seconds[middle - 1] + seconds[middle]) / 2;
    }

    public void WriteText(TextWriter output)
    {
        string Percent(double a) => (a * 100).ToString("F2", CultureInfo.InvariantCulture);
        output.WriteLine($"accuracies: {string.Join(" ", Accuracies.Select(Percent))}");
        output.WriteLine($"max {Percent(Max)}%  mean {Percent(Mean)}%  std {Percent(Std)}%");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training time per epoch (median): {SecondsPerEpoch * 1000:F2} ms"));
    }

    /// <summary>Writes the summary as indented JSON to <paramref name="file"/> as it is (callers write to a temporary name).</summary>
    public void WriteJson(string file) =>
        File.WriteAllBytes(file, JsonSerializer.SerializeToUtf8Bytes(this, new JsonSerializerOptions { WriteIndented = true }));
}
