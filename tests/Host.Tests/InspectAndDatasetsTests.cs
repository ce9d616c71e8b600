using Xunit;

namespace Qnn.Host.Tests;

public class InspectAndDatasetsTests
{
    [Fact]
    public void Inspect_shows_the_layer_table_in_bits_and_the_flattened_size()
    {
        var result = Cli.Run(null, "inspect", "--model", "MiniMnistCnn");
        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.Split('\n');
        Assert.StartsWith("MiniMnistCnn (CNN), input 1×28×28", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("conv2", StringComparison.Ordinal) && l.Contains("32×14×14") && l.Contains("3,612,672"));
        Assert.Contains(lines, l => l.StartsWith("fc5", StringComparison.Ordinal) && l.Contains("float32 × 1-bit"));
        Assert.Contains(lines, l => l.StartsWith("total", StringComparison.Ordinal) && l.Contains("207,044") && l.Contains("216,720"));
        Assert.Contains("flattened features into the head: 6272", result.Output);
    }

    [Fact]
    public void Inspect_of_a_downscaled_input_costs_the_first_layer_on_the_smaller_image()
    {
        var spec = Path.Combine(Directory.CreateTempSubdirectory("qnn-inspect-").FullName, "downscaled.json");
        File.WriteAllText(spec, """{ "name": "DownscaledCnn", "kind": "cnn", "activation": "NBits", "activationBits": 4, "input": { "channels": 1, "height": 28, "width": 28, "bits": 8, "downscale": 2 }, "layers": [ { "conv": 8, "kernel": 3, "weights": "NBits", "bits": 4, "pool": 2 }, { "dense": 10, "weights": "NBits", "bits": 4 } ] }""");
        var result = Cli.Run(null, "inspect", "--model", spec);
        Assert.True(result.ExitCode == 0, result.Error);
        var lines = result.Output.Split('\n');
        Assert.Equal("DownscaledCnn (CNN), input 1×28×28, downscaled 2×2 to 1×14×14", lines[0]);
        // 14 × 14 in: a 3 × 3 kernel leaves 12 × 12, pooled to 6 × 6; 9 · 8 · 144 MACs.
        Assert.Contains(lines, l => l.StartsWith("conv1", StringComparison.Ordinal) && l.Contains("8×6×6") && l.Contains("10,368"));
        Assert.Contains("flattened features into the head: 288", result.Output);
    }

    [Fact]
    public void Inspect_of_the_vertebral_mlp_counts_integer_and_binary_macs()
    {
        var result = Cli.Run(null, "inspect", "--model", "VertebralMlp");
        Assert.Equal(0, result.ExitCode);
        var fc1 = result.Output.Split('\n').Single(l => l.StartsWith("fc1", StringComparison.Ordinal));
        Assert.Contains("1-bit × 16-bit", fc1);
        Assert.Contains("192", fc1);
        Assert.DoesNotContain("flattened", result.Output);
    }

    [Fact]
    public void Inspect_with_a_target_says_what_the_c_costs_there_and_whether_it_fits()
    {
        var fits = Cli.Run(null, "inspect", "--model", "BinaryLeNet5", "--target", "ch32v003");
        Assert.True(fits.ExitCode == 0, fits.Error);
        var line = fits.Output.Split('\n').Single(l => l.StartsWith("as C on ch32v003, an untrained build", StringComparison.Ordinal));
        // The arena of BinaryLeNet5 is 1,036 bytes whichever way flash is measured.
        Assert.Contains("RAM 1,292 B (1,036 static + 256 stack)", line);
        Assert.Matches(@"flash 1\d,\d{3} B", line);
        Assert.Contains("fits the CH32V003 (RV32EC, 16 KB flash, 2 KB RAM): ", fits.Output);

        var over = Cli.Run(null, "inspect", "--model", "MiniMnistCnn", "--target", "ch32v003");
        Assert.True(over.ExitCode == 0, over.Error);
        Assert.Matches(@"does not fit the CH32V003 \(RV32EC, 16 KB flash, 2 KB RAM\): flash [\d,]+ B over, RAM 1,392 B over", over.Output);

        // A core, not a part: costs, no verdict.
        var core = Cli.Run(null, "inspect", "--model", "VertebralMlp", "--target", "cortex-m4");
        Assert.Contains("as C on cortex-m4, an untrained build", core.Output);
        Assert.DoesNotContain("fit", core.Output.Split('\n').Last(l => l.Length > 0));
    }

    [SkippableFact]
    public void Datasets_says_where_each_set_was_found_and_its_size()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat", "mnist/train-images-idx3-ubyte.gz");
        var result = Cli.Run(data, "datasets");
        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.Split(Environment.NewLine);
        Assert.Contains(lines, l => l.StartsWith($"vertebral           {Path.Combine(data, "vertebral")}  ", StringComparison.Ordinal) && l.Contains("  310 rows: 248 train, 62 test  "));
        Assert.Contains(lines, l => l.StartsWith($"mini-mnist          {Path.Combine(data, "mnist")}  ", StringComparison.Ordinal) && l.Contains("  4,000 train, 800 test images  "));
    }

    [Fact]
    public void Datasets_says_where_it_looked_for_a_missing_set()
    {
        var empty = Directory.CreateTempSubdirectory("qnn-empty-").FullName;
        var result = Cli.Run(empty, "datasets", "--data-dir", empty);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"looked in {Path.Combine(empty, "vertebral")} (--data-dir): not there", result.Output);
        Assert.Contains($"looked in {Path.Combine(empty, "mnist")} (--data-dir): not there", result.Output);
        // Vertebral is built in, never downloaded; the image sets say where they come from.
        Assert.DoesNotContain("downloads from https://archive.ics.uci.edu/", result.Output);
        Assert.Contains("downloads from https://ossci-datasets.s3.amazonaws.com/mnist/", result.Output);
    }
}
