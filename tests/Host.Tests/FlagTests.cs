using System.CommandLine;
using Qnn.Host.Cli;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>Every flag of every command through the parser: a good value reaches the command as
/// meant; a bad one is exit code 2 with a message naming the flag.</summary>
public class FlagTests
{
    private static readonly Command Root = new QnnApp(new Terminal(TextWriter.Null, TextWriter.Null, false)).Definition();

    /// <summary>Per command: the arguments giving every flag, and the value each flag then has.</summary>
    private static readonly Dictionary<string, (string[] Args, Dictionary<string, object?> Values)> EveryFlag = new()
    {
        ["train"] = (
            new[]
            {
                "--model", "FloatMlp", "--dataset", "mnist", "--epochs", "3", "--batch-size", "8", "--lr", "0.5", "--weight-decay", "0",
                "--patience", "0", "--runs", "2", "--seed", "7", "--threads", "1", "--device", "auto", "--save", "m.qnn", "--json", "r.json", "--plot", "c.png",
                "--data-dir", "/d", "--offline", "--label-column", "2", "--split-seed", "5", "--optimizer", "SGD", "--momentum", "0.5",
                "--cosine", "--stop-on", "train", "--restore-best", "off", "--clip-latent", "OFF", "--bn-recalibrate", "off", "--one-thread-small", "off",
                "--validation-split", "0.1", "--augment-shift", "2", "--augment-rotate", "10", "--like", "r0.json",
            },
            new()
            {
                ["--model"] = "FloatMlp", ["--dataset"] = "mnist", ["--epochs"] = 3, ["--batch-size"] = 8, ["--lr"] = 0.5, ["--weight-decay"] = 0.0,
                ["--patience"] = 0, ["--runs"] = 2, ["--seed"] = 7, ["--threads"] = 1, ["--device"] = "auto", ["--save"] = "m.qnn", ["--json"] = "r.json", ["--plot"] = "c.png",
                ["--data-dir"] = "/d", ["--offline"] = true, ["--label-column"] = "2", ["--split-seed"] = 5, ["--optimizer"] = "sgd", ["--momentum"] = 0.5,
                ["--cosine"] = true, ["--stop-on"] = "train", ["--restore-best"] = "off", ["--clip-latent"] = "off", ["--bn-recalibrate"] = "off", ["--one-thread-small"] = "off",
                ["--validation-split"] = 0.1, ["--augment-shift"] = 2, ["--augment-rotate"] = 10, ["--like"] = "r0.json",
            }),
        ["eval"] = (
            new[] { "--load", "m.qnn", "--dataset", "csv:t.csv", "--data-dir=/d", "--offline", "--threads", "2", "--device", "CPU" },
            new() { ["--load"] = "m.qnn", ["--dataset"] = "csv:t.csv", ["--data-dir"] = "/d", ["--offline"] = true, ["--threads"] = 2, ["--device"] = "cpu" }),
        ["export"] = (
            new[] { "--load", "m.qnn", "--out", "c", "--format", "c", "--prefix", "net" },
            new() { ["--load"] = "m.qnn", ["--out"] = "c", ["--format"] = "c", ["--prefix"] = "net" }),
        ["predict"] = (
            new[] { "--model", "m.qnnx", "--dataset", "vertebral", "--input", "x.csv", "--output", "p.csv", "--threads", "2", "--data-dir", "/d", "--offline", "--label-column", "y", "--split-seed", "0" },
            new()
            {
                ["--model"] = "m.qnnx", ["--dataset"] = "vertebral", ["--input"] = "x.csv", ["--output"] = "p.csv", ["--threads"] = 2,
                ["--data-dir"] = "/d", ["--offline"] = true, ["--label-column"] = "y", ["--split-seed"] = 0,
            }),
        ["inspect"] = (
            new[] { "--model", "TernaryMlp", "--load", "m.qnn", "--target", "Cortex-M4" },
            new() { ["--model"] = "TernaryMlp", ["--load"] = "m.qnn", ["--target"] = "cortex-m4" }),
        ["datasets"] = (
            new[] { "--data-dir", "/d" },
            new() { ["--data-dir"] = "/d" }),
        ["search"] = (
            new[]
            {
                "--space", "cnn", "--dataset", "mnist", "--trials", "50", "--population", "10", "--folds", "3", "--epochs", "4", "--batch-size", "16",
                "--lr", "0.02", "--weight-decay", "0", "--cost", "Bytes", "--target", "CH32V003", "--max-flash", "8192", "--max-ram", "1536",
                "--validation-split", "0.2", "--augment-shift", "1", "--augment-rotate", "5",
                "--min-accuracy", "0.8", "--max-cost", "5000", "--sampler", "random",
                "--storage", "s.db", "--study", "x", "--workers", "2", "--threads", "2", "--seed", "3", "--device", "cpu", "--json", "s.json", "--plot", "f.png",
                "--data-dir", "/d", "--offline", "--label-column", "1", "--split-seed", "9",
            },
            new()
            {
                ["--space"] = "cnn", ["--dataset"] = "mnist", ["--trials"] = 50, ["--population"] = 10, ["--folds"] = 3, ["--epochs"] = 4, ["--batch-size"] = 16,
                ["--lr"] = 0.02, ["--weight-decay"] = 0.0, ["--cost"] = "bytes", ["--target"] = "ch32v003", ["--max-flash"] = 8192, ["--max-ram"] = 1536,
                ["--validation-split"] = 0.2, ["--augment-shift"] = 1, ["--augment-rotate"] = 5,
                ["--min-accuracy"] = 0.8, ["--max-cost"] = 5000.0, ["--sampler"] = "random",
                ["--storage"] = "s.db", ["--study"] = "x", ["--workers"] = 2, ["--threads"] = 2, ["--seed"] = 3, ["--device"] = "cpu", ["--json"] = "s.json", ["--plot"] = "f.png",
                ["--data-dir"] = "/d", ["--offline"] = true, ["--label-column"] = "1", ["--split-seed"] = 9,
            }),
        ["study"] = (Array.Empty<string>(), new()),
    };

    private static object? Value(ParseResult result, Option option) => option switch
    {
        Option<int> o => result.GetValue(o),
        Option<int?> o => result.GetValue(o),
        Option<double> o => result.GetValue(o),
        Option<double?> o => result.GetValue(o),
        Option<bool> o => result.GetValue(o),
        Option<string> o => result.GetValue(o),
        _ => throw new InvalidOperationException($"{option.Name}: no reader for {option.ValueType}"),
    };

    [Fact]
    public void The_table_covers_every_flag_of_every_command()
    {
        foreach (var command in Root.Subcommands)
            Assert.Equal(command.Options.Select(o => o.Name).Where(n => n != "--help").Order(), EveryFlag[command.Name].Values.Keys.Order());
    }

    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    [InlineData("export")]
    [InlineData("predict")]
    [InlineData("inspect")]
    [InlineData("datasets")]
    [InlineData("search")]
    public void Every_flag_reaches_the_command(string name)
    {
        var (args, values) = EveryFlag[name];
        var result = Root.Parse(new[] { name }.Concat(args).ToArray());
        Assert.Empty(result.Errors);
        var command = Root.Subcommands.Single(c => c.Name == name);
        foreach (var option in command.Options.Where(o => o.Name != "--help"))
            Assert.True(Equals(values[option.Name], Value(result, option)), $"{name} {option.Name}: {Value(result, option)}, expected {values[option.Name]}");
    }

    [Fact]
    public void Train_defaults_are_the_seed_experiments()
    {
        var result = Root.Parse(new[] { "train" });
        Assert.Empty(result.Errors);
        var train = Root.Subcommands.Single(c => c.Name == "train");
        object? Of(string flag) => Value(result, train.Options.Single(o => o.Name == flag));
        var defaults = TrainConfig.Default;
        Assert.Equal("VertebralMlp", Of("--model"));
        Assert.Null(Of("--dataset"));
        Assert.Equal(defaults.Epochs, Of("--epochs"));
        Assert.Equal(defaults.BatchSize, Of("--batch-size"));
        Assert.Equal(defaults.LearningRate, Of("--lr"));
        Assert.Equal(defaults.WeightDecay, Of("--weight-decay"));
        Assert.Equal(defaults.Patience!.Value, Of("--patience"));
        Assert.Equal(1, Of("--runs"));
        Assert.Equal(defaults.Seed, Of("--seed"));
        Assert.Null(Of("--threads"));
        Assert.Equal(false, Of("--offline"));
        Assert.Equal(false, Of("--cosine"));
        Assert.Equal("adam", Of("--optimizer"));
        Assert.Equal("val", Of("--stop-on"));
        Assert.Equal("on", Of("--restore-best"));
        Assert.Equal(42, Of("--split-seed"));
    }

    [Theory]
    [InlineData("--epochs", "zero", "--epochs needs an integer >= 1, got 'zero'")]
    [InlineData("--epochs", "1.5", "--epochs needs an integer >= 1, got '1.5'")]
    [InlineData("--batch-size", "1", "--batch-size needs an integer from 2 to 1,048,576, got '1'")]
    [InlineData("--lr", "0", "--lr needs a positive number, got '0'")]
    [InlineData("--lr", "NaN", "--lr needs a positive number, got 'NaN'")]
    [InlineData("--weight-decay", "-0.1", "--weight-decay needs a non-negative number, got '-0.1'")]
    [InlineData("--patience", "-1", "--patience needs an integer >= 0, got '-1'")]
    [InlineData("--runs", "0", "--runs needs an integer >= 1, got '0'")]
    [InlineData("--seed", "-3", "--seed needs an integer >= 0, got '-3'")]
    [InlineData("--threads", "0", "--threads needs an integer >= 1, got '0'")]
    [InlineData("--split-seed", "x", "--split-seed needs an integer >= 0, got 'x'")]
    [InlineData("--optimizer", "lbfgs", "--optimizer is one of adam, sgd, got 'lbfgs'")]
    [InlineData("--momentum", "-1", "--momentum needs a non-negative number below 1, got '-1'")]
    [InlineData("--stop-on", "never", "--stop-on is one of val, train, got 'never'")]
    [InlineData("--restore-best", "yes", "--restore-best is one of on, off, got 'yes'")]
    [InlineData("--clip-latent", "1", "--clip-latent is one of on, off, got '1'")]
    [InlineData("--bn-recalibrate", "true", "--bn-recalibrate is one of on, off, got 'true'")]
    [InlineData("--one-thread-small", "no", "--one-thread-small is one of on, off, got 'no'")]
    [InlineData("--device", "meta", "--device is one of cpu, cuda, auto, got 'meta'")]
    public void A_bad_train_value_names_the_flag_and_the_rule(string flag, string value, string message)
    {
        foreach (var args in new[] { new[] { "train", flag, value }, new[] { "train", $"{flag}={value}" } })
        {
            var result = Cli.Run(null, args);
            Assert.Equal(2, result.ExitCode);
            Assert.Equal($"qnn: {message}", result.Error.Split(Environment.NewLine)[0]);
            Assert.Contains("`qnn train --help` lists the flags.", result.Error);
        }
    }

    [Theory]
    [InlineData(new[] { "train", "--model" }, "Required argument missing for option: '--model'")]
    [InlineData(new[] { "train", "--save" }, "Required argument missing for option: '--save'")]
    [InlineData(new[] { "train", "--json" }, "Required argument missing for option: '--json'")]
    [InlineData(new[] { "train", "--plot" }, "Required argument missing for option: '--plot'")]
    [InlineData(new[] { "train", "--label-column" }, "Required argument missing for option: '--label-column'")]
    [InlineData(new[] { "train", "--cosine=1" }, "Unrecognized command or argument '1'")]
    [InlineData(new[] { "eval", "--load", "m.qnn", "--threads", "-2" }, "--threads needs an integer >= 1, got '-2'")]
    [InlineData(new[] { "eval", "--load", "m.qnn", "--offline=no" }, "Unrecognized command or argument 'no'")]
    [InlineData(new[] { "eval", "--load", "m.qnn", "--label-column", "2" }, "Unrecognized command or argument '--label-column'")]
    [InlineData(new[] { "export", "--load", "m.qnn" }, "Option '--out' is required")]
    [InlineData(new[] { "export", "--out", "m.qnnx" }, "Option '--load' is required")]
    [InlineData(new[] { "predict", "--model", "m.qnnx" }, "qnn predict takes exactly one of --input FILE (predict each sample) and --dataset NAME (accuracy and speed)")]
    [InlineData(new[] { "predict", "--model", "m.qnnx", "--input", "x.csv", "--threads", "0" }, "--threads needs an integer >= 1, got '0'")]
    [InlineData(new[] { "predict", "--model", "m.qnnx", "--output" }, "Required argument missing for option: '--output'")]
    [InlineData(new[] { "predict", "--dataset", "vertebral" }, "Option '--model' is required")]
    [InlineData(new[] { "predict", "--model", "m.qnnx", "--dataset", "vertebral", "--split-seed", "-1" }, "--split-seed needs an integer >= 0, got '-1'")]
    [InlineData(new[] { "inspect", "--model" }, "Required argument missing for option: '--model'")]
    [InlineData(new[] { "datasets", "--data-dir" }, "Required argument missing for option: '--data-dir'")]
    [InlineData(new[] { "datasets", "--offline" }, "Unrecognized command or argument '--offline'")]
    public void A_bad_flag_of_any_command_names_the_flag(string[] args, string message)
    {
        var result = Cli.Run(null, args);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("qnn: ", result.Error);
        Assert.Contains(message, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }
}
