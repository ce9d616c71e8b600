using Xunit;

namespace Qnn.Host.Tests;

/// <summary>Values nobody could mean end in a clear message and an exit code, not a stack trace
/// or a silent fallback.</summary>
public class HostileValueTests
{
    [Theory]
    [InlineData("--lr", "1e308", "beyond what training's float32 arithmetic holds")]
    [InlineData("--weight-decay", "1e308", "beyond what training's float32 arithmetic holds")]
    [InlineData("--lr", "1e-50", "--lr needs a positive number")]
    [InlineData("--lr", "NaN", "--lr needs a positive number")]
    [InlineData("--weight-decay", "Infinity", "beyond what training's float32 arithmetic holds")]
    public void A_learning_rate_or_weight_decay_float32_cannot_hold_is_a_usage_error(string flag, string value, string message)
    {
        var result = Cli.Run(null, "train", flag, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(flag, result.Error);
        Assert.Contains(message, result.Error);
    }

    [Theory]
    [InlineData("1e308")]
    [InlineData("1")]
    [InlineData("1.5")]
    public void A_momentum_of_1_or_more_is_a_usage_error(string value)
    {
        var result = Cli.Run(null, "train", "--optimizer", "sgd", "--momentum", value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--momentum needs a non-negative number below 1", result.Error);
    }

    [Fact]
    public void A_data_dir_that_does_not_exist_is_a_data_error()
    {
        var result = Cli.Run(null, "train", "--data-dir", "/nonexistent/qnn-data");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("--data-dir /nonexistent/qnn-data: no such directory", result.Error);
        var file = Path.GetTempFileName();
        var onFile = Cli.Run(null, "datasets", "--data-dir", file);
        Assert.Equal(3, onFile.ExitCode);
        Assert.Contains("a file, not a directory", onFile.Error);
    }

    [SkippableFact]
    public void More_threads_than_processors_are_capped_with_a_note()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var result = Cli.Run(data, "train", "--epochs", "1", "--threads", "1000");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"--threads 1000 is more than the {Environment.ProcessorCount} processors; using {Environment.ProcessorCount}", result.Error);
        Assert.Contains($", {Environment.ProcessorCount} threads", result.Output);
    }

    [Fact]
    public void Numeric_labels_that_are_the_same_number_are_one_class()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("qnn-csv-").FullName, "labels.csv");
        var rows = Enumerable.Range(0, 40).Select(i => $"{i % 7},{i % 3},{(i % 2 == 0 ? (i % 4 == 0 ? "1" : "1.0") : "2")}");
        File.WriteAllLines(path, rows);
        var result = Cli.Run(null, "train", "--model", WriteSpec(2), "--dataset", "csv:" + path, "--epochs", "1");
        Assert.True(result.ExitCode == 0, result.Error);
        var table = Qnn.Host.Data.CsvReader.Read("--dataset", path, null);
        Assert.Equal(new[] { "1", "2" }, table.ClassNames);
        Assert.Equal(new long[] { 0, 1, 0, 1 }, table.Labels[..4]);
    }

    private static string WriteSpec(int classes)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("qnn-spec-").FullName, "tiny.json");
        File.WriteAllText(path, $$"""{ "name": "Tiny", "kind": "mlp", "input": { "features": 2, "bits": 8 }, "layers": [ { "dense": 8, "weights": "Binary" }, { "dense": {{classes}}, "weights": "Binary" } ] }""");
        return path;
    }
}
