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
    [InlineData(new[] { "train", "--epoch", "3" }, "Unrecognized command or argument '--epoch'")]
    [InlineData(new[] { "train", "--epochs", "zero" }, "--epochs needs an integer >= 1, got 'zero'")]
    [InlineData(new[] { "train", "--epochs", "0" }, "--epochs needs an integer >= 1, got '0'")]
    [InlineData(new[] { "train", "--lr", "-1" }, "--lr needs a positive number, got '-1'")]
    [InlineData(new[] { "train", "--batch-size", "1" }, "--batch-size needs an integer from 2 to 1,048,576")]
    [InlineData(new[] { "train", "--runs" }, "Required argument missing for option: '--runs'")]
    [InlineData(new[] { "train", "--offline=yes" }, "Unrecognized command or argument 'yes'")]
    [InlineData(new[] { "train", "--seed", "1", "--seed", "2" }, "Option '--seed' expects a single argument but 2 were provided")]
    [InlineData(new[] { "train", "--model", "ResNet50" }, "--model ResNet50: unknown model; known models: VertebralMlp")]
    [InlineData(new[] { "train", "--model", "/nonexistent/model.json" }, "--model /nonexistent/model.json: no such file")]
    [InlineData(new[] { "train", "--dataset", "imagenet" }, "unknown data set 'imagenet'; known: vertebral, mnist")]
    [InlineData(new[] { "train", "--optimizer", "lbfgs" }, "--optimizer is one of adam, sgd, got 'lbfgs'")]
    [InlineData(new[] { "train", "--momentum", "0.5" }, "--momentum applies to --optimizer sgd")]
    [InlineData(new[] { "train", "stray" }, "Unrecognized command or argument 'stray'")]
    [InlineData(new[] { "eval" }, "Option '--load' is required")]
    [InlineData(new[] { "inspect" }, "--model NAME|FILE or --load FILE is required")]
    [InlineData(new[] { "fit" }, "Unrecognized command or argument 'fit'")]
    [InlineData(new string[0], "Required command was not provided")]
    public void Bad_usage_exits_2_with_the_flag_and_the_rule(string[] args, string fragment) => AssertUsage(Cli.Run(null, args), fragment);

    [Theory]
    [InlineData(new[] { "trian" }, "'trian' was not matched. Did you mean one of the following?\ntrain\n")]
    [InlineData(new[] { "train", "--epoch", "3" }, "'--epoch' was not matched. Did you mean one of the following?\n--epochs\n")]
    [InlineData(new[] { "eval", "--lod", "m.qnn" }, "'--lod' was not matched. Did you mean one of the following?\n--load\n")]
    [InlineData(new[] { "datasets", "--data-dri", "x" }, "'--data-dri' was not matched. Did you mean one of the following?\n--data-dir\n")]
    public void A_typo_gets_a_suggestion(string[] args, string suggestion)
    {
        var result = Cli.Run(null, args);
        AssertUsage(result, suggestion.Replace("\n", Environment.NewLine, StringComparison.Ordinal));
    }

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
}
