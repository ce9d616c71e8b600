using System.Globalization;
using System.Text.Json;
using Xunit;
using Qnn.Tests.Support;

namespace Qnn.Host.Tests;

/// <summary>`qnn train` and `qnn eval` end to end on the real data sets.</summary>
public class TrainCommandTests
{
    private static string Temp(string name) => Path.Combine(Directory.CreateTempSubdirectory("qnn-train-").FullName, name);

    [SkippableFact]
    public void Default_training_reports_runs_and_a_json_that_matches_the_text()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var json = Temp("run.json");
        var result = Cli.Run(data, "train", "--runs", "3", "--threads", "2", "--json", json);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("training VertebralMlp on vertebral (248 train, 62 test samples): 15 epochs, batch 32, lr 0.01, weight decay 0.0001, patience 10, 3 runs, seed 42", result.Output);
        Assert.Contains("run 3/3 epoch 15/15", result.Output);

        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var root = document.RootElement;
        Assert.Equal("VertebralMlp", root.GetProperty("model").GetString());
        Assert.Equal("vertebral", root.GetProperty("dataset").GetString());
        Assert.Equal(3, root.GetProperty("runs").GetInt32());
        Assert.Equal(15, root.GetProperty("epochs").GetInt32());
        Assert.Equal(248, root.GetProperty("train_samples").GetInt32());
        Assert.Equal(62, root.GetProperty("test_samples").GetInt32());
        Assert.True(root.GetProperty("seconds_per_epoch").GetDouble() > 0);
        var accuracies = root.GetProperty("accuracies").EnumerateArray().Select(a => a.GetDouble()).ToArray();
        Assert.Equal(3, accuracies.Length);

        // The text shows the same numbers, as percentages with two decimals.
        string Percent(double a) => (a * 100).ToString("F2", CultureInfo.InvariantCulture);
        Assert.Contains("accuracies: " + string.Join(" ", accuracies.Select(Percent)), result.Output);
        Assert.Contains($"max {Percent(root.GetProperty("max").GetDouble())}%  mean {Percent(root.GetProperty("mean").GetDouble())}%  std {Percent(root.GetProperty("std").GetDouble())}%", result.Output);
        for (var run = 0; run < 3; run++)
            Assert.Contains($"run {run + 1}: accuracy {Percent(accuracies[run])}%", result.Output);
        Assert.Equal(accuracies.Max(), root.GetProperty("max").GetDouble());
        Assert.Equal(accuracies.Average(), root.GetProperty("mean").GetDouble(), 12);
    }

    [SkippableFact]
    public void The_same_seed_gives_the_same_accuracies()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var first = Cli.Run(data, "train", "--runs", "2", "--epochs", "5", "--threads", "2");
        var second = Cli.Run(data, "train", "--runs", "2", "--epochs", "5", "--threads", "2");
        string Accuracies(string output) => output.Split('\n').Single(l => l.StartsWith("accuracies:", StringComparison.Ordinal));
        Assert.Equal(Accuracies(first.Output), Accuracies(second.Output));
    }

    [SkippableFact]
    public void A_saved_model_evaluates_to_exactly_its_training_accuracy()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var model = Temp("vertebral.qnn");
        var train = Cli.Run(data, "train", "--runs", "2", "--save", model);
        Assert.True(train.ExitCode == 0, train.Error);
        var saved = train.Output.Split('\n').Single(l => l.StartsWith("saved run", StringComparison.Ordinal));
        var accuracy = saved.Substring(saved.IndexOf("accuracy ", StringComparison.Ordinal) + 9).Split('%')[0];
        Assert.Equal(new[] { model }, Directory.GetFiles(Path.GetDirectoryName(model)!));

        var eval = Cli.Run(data, "eval", "--load", model);
        Assert.True(eval.ExitCode == 0, eval.Error);
        Assert.StartsWith($"VertebralMlp on vertebral: accuracy {accuracy}% (62 test samples", eval.Output);
        Assert.Contains($"at the end of training: {accuracy}% on vertebral", eval.Output);
    }

    [SkippableFact]
    public void A_spec_file_model_trains_and_plots_its_curves()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var spec = Temp("float.json");
        File.WriteAllText(spec, """{ "name": "Tiny", "kind": "mlp", "activation": "Relu", "input": { "features": 6 }, "layers": [ { "dense": 16 }, { "dense": 3 } ] }""");
        var plot = Path.Combine(Path.GetDirectoryName(spec)!, "curves.png");
        var result = Cli.Run(data, "train", "--model", spec, "--epochs", "4", "--plot", plot);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("training Tiny on vertebral", result.Output);
        var png = File.ReadAllBytes(plot);
        Assert.True(png.Length > 10_000, $"PNG of {png.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [SkippableFact]
    public void The_seed_experiments_reach_their_accuracy()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat", "mnist/train-images-idx3-ubyte.gz");
        var vertebral = Temp("vertebral.json");
        Assert.Equal(0, Cli.Run(data, "train", "--runs", "10", "--threads", "2", "--json", vertebral).ExitCode);
        var mnist = Temp("mnist.json");
        var cnn = Cli.Run(data, "train", "--model", "MiniMnistCnn", "--dataset", "mini-mnist", "--epochs", "1", "--batch-size", "128", "--runs", "3", "--threads", "2", "--json", mnist);
        Assert.True(cnn.ExitCode == 0, cnn.Error);
        Assert.Contains("(4000 train, 800 test samples)", cnn.Output);
        double Mean(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("mean").GetDouble();
        Assert.True(Mean(vertebral) >= 0.80, $"VertebralMlp mean {Mean(vertebral)}");
        Assert.True(Mean(mnist) >= 0.75, $"MiniMnistCnn mean {Mean(mnist)}");
    }

    [SkippableFact]
    public void Fashion_mnist_from_the_debian_package_trains()
    {
        Prerequisite.FashionMnist();
        var result = Cli.Run(Cli.DataRoot, "train", "--model", "BinaryLeNet5", "--dataset", "mini-fashion-mnist", "--epochs", "1", "--batch-size", "128");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("training BinaryLeNet5 on mini-fashion-mnist (4000 train, 800 test samples)", result.Output);
        var accuracy = double.Parse(result.Output.Split('\n').Single(l => l.StartsWith("run 1:", StringComparison.Ordinal)).Split(' ')[3].TrimEnd('%'), CultureInfo.InvariantCulture);
        Assert.True(accuracy > 50, $"accuracy {accuracy}%");
    }

    [SkippableFact]
    public void An_mlp_on_images_flattens_them()
    {
        var data = Cli.RequireData("mnist/train-images-idx3-ubyte.gz");
        var spec = Temp("digits.json");
        File.WriteAllText(spec, """{ "name": "DigitMlp", "kind": "mlp", "input": { "features": 784, "bits": 8 }, "layers": [ { "dense": 64, "weights": "Binary" }, { "dense": 10 } ] }""");
        var result = Cli.Run(data, "train", "--model", spec, "--dataset", "mini-mnist", "--epochs", "2", "--batch-size", "64");
        Assert.True(result.ExitCode == 0, result.Error);
        var accuracy = double.Parse(result.Output.Split('\n').Single(l => l.StartsWith("run 1:", StringComparison.Ordinal)).Split(' ')[3].TrimEnd('%'), CultureInfo.InvariantCulture);
        Assert.True(accuracy > 70, $"accuracy {accuracy}%");
    }
}
