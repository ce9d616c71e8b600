using Xunit;

namespace Qnn.Host.Tests;

/// <summary>A user's mistake on the command line or in a model file: exit code 2, a message naming
/// the flag or field and the rule, no stack trace.</summary>
public class UsageTests
{
    private static void AssertUsage(CliResult result, string fragment)
    {
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("qnn: ", result.Error);
        Assert.Contains(fragment, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Theory]
    [InlineData(new[] { "train", "--epoch", "3" }, "unknown flag --epoch; known flags: --model")]
    [InlineData(new[] { "train", "--epochs", "zero" }, "--epochs needs an integer >= 1, got 'zero'")]
    [InlineData(new[] { "train", "--epochs", "0" }, "--epochs needs an integer >= 1, got '0'")]
    [InlineData(new[] { "train", "--lr", "-1" }, "--lr needs a positive number, got '-1'")]
    [InlineData(new[] { "train", "--batch-size", "1" }, "--batch-size needs an integer >= 2")]
    [InlineData(new[] { "train", "--runs" }, "--runs needs a value")]
    [InlineData(new[] { "train", "--offline=yes" }, "--offline is a switch and takes no value")]
    [InlineData(new[] { "train", "--seed", "1", "--seed", "2" }, "--seed is given twice")]
    [InlineData(new[] { "train", "--model", "ResNet50" }, "--model ResNet50: unknown model; known models: VertebralMlp")]
    [InlineData(new[] { "train", "--model", "/nonexistent/model.json" }, "--model /nonexistent/model.json: no such file")]
    [InlineData(new[] { "train", "--dataset", "imagenet" }, "unknown data set 'imagenet'; known: vertebral, mnist")]
    [InlineData(new[] { "train", "--optimizer", "lbfgs" }, "--optimizer is one of adam, sgd, got 'lbfgs'")]
    [InlineData(new[] { "train", "stray" }, "unexpected argument 'stray'")]
    [InlineData(new[] { "eval" }, "--load FILE is required")]
    [InlineData(new[] { "inspect" }, "--model NAME|FILE or --load FILE is required")]
    [InlineData(new[] { "fit" }, "unknown command 'fit'")]
    [InlineData(new string[0], "usage: qnn <train|eval|export|predict|inspect|datasets|help>")]
    public void Bad_usage_exits_2_with_the_flag_and_the_rule(string[] args, string fragment) => AssertUsage(Cli.Run(null, args), fragment);

    [Fact]
    public void An_invalid_spec_file_reports_its_qnn_codes()
    {
        var spec = Path.Combine(Directory.CreateTempSubdirectory("qnn-spec-").FullName, "bad.json");
        File.WriteAllText(spec, """{ "kind": "cnn", "dropout": 1.5, "input": { "height": 4, "width": 4 }, "layers": [ { "conv": 8, "kernel": 5 }, { "dense": 2 } ] }""");
        var result = Cli.Run(null, "inspect", "--model", spec);
        AssertUsage(result, "is not a valid model");
        Assert.Contains("QNN007 Dropout: Dropout is 1.5; it must be in [0, 1)", result.Error);
        Assert.Contains("QNN009 layers[0]: Conv conv1 outputs 0×0 from a 4×4 input", result.Error);
    }

    [Fact]
    public void A_malformed_spec_file_says_where()
    {
        var spec = Path.Combine(Directory.CreateTempSubdirectory("qnn-spec-").FullName, "typo.json");
        File.WriteAllText(spec, """{ "kind": "mlp", "input": { "features": 6 }, "layers": [ { "dense": 3, "wieghts": "Binary" } ] }""");
        AssertUsage(Cli.Run(null, "inspect", "--model", spec), "$.layers[0].wieghts: unknown field");
    }

    [SkippableFact]
    public void A_model_that_does_not_fit_the_data_set()
    {
        var data = Cli.RequireData("mnist/train-images-idx3-ubyte.gz");
        AssertUsage(Cli.Run(data, "train", "--model", "VertebralMlp", "--dataset", "mini-mnist", "--offline"),
            "model VertebralMlp has 3 outputs but data set mini-mnist has 10 classes");
    }

    [Fact]
    public void Help_lists_commands_models_and_exit_codes()
    {
        var result = Cli.Run(null, "help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("qnn train [--model NAME|FILE]", result.Output);
        Assert.Contains("models: VertebralMlp, FloatMlp, TernaryMlp, NBitsMlp, MiniMnistCnn, BinaryLeNet5", result.Output);
        Assert.Contains("exit codes: 0 success, 2 bad usage or invalid model spec, 3 data problem", result.Output);
    }
}
