using Xunit;

namespace Qnn.Host.Tests;

/// <summary>Sizes and values nobody could mean are refused before anything is allocated, and
/// training that diverges says so (exit 5).</summary>
public class SizeLimitTests
{
    private static string Spec(string json)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("qnn-limits-").FullName, "spec.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string Mlp(string layers, string extra = "") =>
        Spec($$"""{ "name": "Huge", "kind": "mlp", {{extra}} "input": { "features": 6, "bits": 16 }, "layers": [ {{layers}} ] }""");

    [SkippableFact]
    public void A_billion_unit_layer_is_refused_under_a_6_GB_memory_cap_before_anything_is_allocated()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var spec = Mlp("""{ "dense": 1000000000, "weights": "Binary" }, { "dense": 3 }""");
        var process = QnnProcess.Start($"ulimit -v 6000000 && exec \"$QNN\" train --model '{spec}' --epochs 1", Path.GetTempPath(),
            new Dictionary<string, string> { ["QNN_DATA_DIR"] = data });
        var (exitCode, output) = QnnProcess.Finish(process, TimeSpan.FromMinutes(3));
        Assert.True(exitCode == 2, output);
        Assert.Contains("QNN014", output);
        Assert.Contains("the value count per sample of Dense fc1's output is 1000000000; it must be at most 268435456", output);
    }

    [Fact]
    public void Inspect_counts_weight_bits_beyond_32_bits()
    {
        // 6 × 2^27 float weights: 25.8 G weight bits, far past int32, within every limit.
        var spec = Mlp("""{ "dense": 134217728 }, { "dense": 3, "weights": "Binary" }""");
        var result = Cli.Run(null, "inspect", "--model", spec);
        Assert.True(result.ExitCode == 0, result.Error);
        var fc1 = result.Output.Split('\n').First(l => l.StartsWith("fc1", StringComparison.Ordinal));
        Assert.Contains("805,306,368", fc1);
        Assert.Contains("25,769,803,776", fc1);
        Assert.DoesNotMatch(@"(^|\s)-\d", fc1);
    }

    [Fact]
    public void A_model_too_large_for_this_machines_memory_is_refused_before_training()
    {
        var spec = Spec("""{ "name": "Wide", "kind": "cnn", "input": { "channels": 1, "height": 28, "width": 28, "bits": 8 }, "layers": [ { "conv": 100000, "kernel": 3, "padding": 1, "weights": "Binary" }, { "dense": 10 } ] }""");
        var result = Cli.Run(null, "train", "--model", spec, "--dataset", "mini-mnist");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Wide at batch 32 needs at least", result.Error);
        Assert.Contains("a smaller --batch-size or a smaller model fits", result.Error);
        Assert.DoesNotContain("training Wide", result.Output);
    }

    [Fact]
    public void A_duplicate_json_key_is_a_usage_error()
    {
        var spec = Mlp("""{ "dense": 8, "dense": 9 }, { "dense": 3 }""");
        var result = Cli.Run(null, "inspect", "--model", spec);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("duplicate key \"dense\"", result.Error);
    }

    [Fact]
    public void An_infinite_reste_o_is_refused()
    {
        var spec = Mlp("""{ "dense": 8 }, { "dense": 3 }""", "\"activation\": \"BinarizeReste\", \"resteO\": 1e400,");
        var result = Cli.Run(null, "inspect", "--model", spec);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("QNN008", result.Error);
        Assert.Contains("Infinity", result.Error);
    }

    [Fact]
    public void A_name_longer_than_256_characters_is_refused()
    {
        var spec = Spec($$"""{ "name": "{{new string('n', 257)}}", "kind": "mlp", "input": { "features": 6 }, "layers": [ { "dense": 3 } ] }""");
        var result = Cli.Run(null, "inspect", "--model", spec);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("the model name's length is 257; it must be at most 256", result.Error);
    }

    [SkippableFact]
    public void Training_that_diverges_says_at_which_epoch_and_exits_5()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var saved = Path.Combine(Directory.CreateTempSubdirectory("qnn-diverge-").FullName, "m.qnn");
        var result = Cli.Run(data, "train", "--model", "FloatMlp", "--lr", "1e30", "--epochs", "5", "--save", saved);
        Assert.Equal(5, result.ExitCode);
        Assert.Contains("run 1 diverged at epoch 1", result.Error);
        Assert.Contains($"nothing saved to {saved}", result.Error);
        Assert.False(File.Exists(saved));
    }
}
