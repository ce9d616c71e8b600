using System.CommandLine;
using System.Text.RegularExpressions;
using Qnn.Host.Cli;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>`--help` for qnn and every command, generated from the options the parser uses;
/// `--version`; and docs/cli.md quoting that help verbatim.</summary>
public class HelpTests
{
    public static readonly string[] Commands = { "train", "eval", "export", "predict", "inspect", "datasets", "search", "study" };

    public static TheoryData<string> CommandNames => new(Commands);

    /// <summary>The commands that take options: every command, with `study` as its two subcommands.</summary>
    public static TheoryData<string> LeafCommandNames => new(Commands.Where(c => c != "study").Concat(new[] { "study show", "study export" }));

    /// <summary>A command by its words after `qnn` (`train`, `study show`).</summary>
    private static Command Definition(string words) =>
        words.Split(' ').Aggregate((Command)new QnnApp(new Terminal(TextWriter.Null, TextWriter.Null, false)).Definition(),
            (parent, name) => parent.Subcommands.Single(c => c.Name == name));

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public void Root_help_lists_the_commands_models_data_sets_and_exit_codes(string flag)
    {
        var result = Cli.Run(null, flag);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        Assert.Contains("Usage:" + Environment.NewLine + "  qnn [command] [options]", result.Output);
        foreach (var command in Commands)
            Assert.Matches(new Regex($"^  {command} +[A-Z]", RegexOptions.Multiline), result.Output);
        Assert.Contains("--version", result.Output);
        Assert.Contains("Models: VertebralMlp, FloatMlp, TernaryMlp, NBitsMlp, MiniMnistCnn, BinaryLeNet5, or a spec file (.json).", result.Output);
        Assert.Contains("Data sets: vertebral, mnist, mini-mnist, fashion-mnist, mini-fashion-mnist, csv:PATH.", result.Output);
        var exitCodes = Regex.Replace(result.Output[result.Output.IndexOf("Exit codes:", StringComparison.Ordinal)..], @"\s+", " ");
        Assert.StartsWith("Exit codes: 0 success; 2 bad usage, invalid model spec or an output path that cannot be written (checked before any work); "
            + "3 bad data, model or engine file; 4 a result could not be written at the end and went to a fallback path (printed); 5 training diverged; "
            + "6 standard output could not be written (the files were).", exitCodes);
    }

    [Theory]
    [MemberData(nameof(LeafCommandNames))]
    public void Each_command_has_help_listing_every_option_the_parser_knows(string command)
    {
        var words = command.Split(' ');
        var result = Cli.Run(null, words.Append("--help").ToArray());
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        Assert.Contains($"qnn {command} [options]", result.Output);
        var options = Definition(command).Options.Where(o => o.Name != "--help").ToList();
        Assert.NotEmpty(options);
        foreach (var option in options)
        {
            var line = result.Output.Split(Environment.NewLine).SingleOrDefault(l => l.TrimStart().StartsWith(option.Name + " ", StringComparison.Ordinal));
            Assert.True(line is not null, $"qnn {command} --help has no line for {option.Name}:\n{result.Output}");
            Assert.Contains(option.Description!.Split(' ')[0], line);
        }
        if (words.Length == 1)
            Assert.Equal(result.Output, Cli.Run(null, "help", command).Output);
        // Help wins over other mistakes on the same line, as in the dotnet tools.
        Assert.Equal(0, Cli.Run(null, words.Append("--no-such-flag").Append("--help").ToArray()).ExitCode);
    }

    [Fact]
    public void Train_help_shows_the_defaults_and_the_notes()
    {
        var output = Cli.Run(null, "train", "--help").Output;
        Assert.Matches(@"--epochs <N> +Epochs per run \[default: 15\]", output);
        Assert.Matches(@"--optimizer <adam\|sgd> +The optimizer \[default: adam\]", output);
        Assert.Matches(@"--restore-best <on\|off> +Reload the best epoch's weights \(by --stop-on\) before the final *\n +evaluation \[default: on\]", output.ReplaceLineEndings("\n"));
        Assert.Matches(@"--offline +Never download", output);
        Assert.Contains("The test split doubles as the validation set", output);
    }

    [Fact]
    public void Version_prints_qnn_and_the_informational_version()
    {
        var result = Cli.Run(null, "--version");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"qnn {VersionAction.Version}{Environment.NewLine}", result.Output);
        Assert.Matches(@"^qnn \d+\.\d+\.\d+", result.Output);
    }

    [Fact]
    public void Version_with_a_command_is_a_usage_error()
    {
        var result = Cli.Run(null, "train", "--version");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--version", result.Error);
    }

    /// <summary>The command reference (docs/cli.md) quotes `qnn --help` and each `qnn COMMAND --help`:
    /// a block that starts with "$ qnn … --help" must be exactly what that prints.</summary>
    [Fact]
    public void The_command_reference_quotes_the_help_of_every_command_verbatim()
    {
        var reference = File.ReadAllText(Path.Combine(Cli.RepositoryRoot, "docs", "cli.md")).ReplaceLineEndings("\n");
        var blocks = Regex.Matches(reference, @"```text\n\$ (qnn[^\n]*--help)\n(.*?)```", RegexOptions.Singleline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var expected = new[] { "qnn --help" }.Concat(Commands.Select(c => $"qnn {c} --help")).ToList();
        Assert.Equal(expected, blocks.Keys.ToList());
        foreach (var (command, quoted) in blocks)
        {
            var printed = Cli.Run(null, command.Split(' ').Skip(1).ToArray()).Output;
            Assert.Equal(Normalize(printed), Normalize(quoted));
        }
    }

    /// <summary>Lines without trailing spaces (the help pads wrapped lines), no trailing blank lines.</summary>
    private static string Normalize(string text) =>
        string.Join("\n", text.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd())).TrimEnd('\n');
}
