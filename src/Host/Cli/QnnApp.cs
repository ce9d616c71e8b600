using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Qnn.Host.Commands;
using Qnn.Host.Data;

namespace Qnn.Host.Cli;

/// <summary>The qnn command line (System.CommandLine): parses against the commands' option
/// definitions, which also write `--help`, and turns a user's mistakes into a message and an exit
/// code (2 usage, 3 data), never a stack trace.</summary>
/// <param name="environment">QNN_DATA_DIR, XDG_CACHE_HOME and HOME as the process sees them
/// unless a test gives its own.</param>
public sealed class QnnApp(Terminal terminal, Func<HttpClient>? http = null, IReadOnlyDictionary<string, string?>? environment = null)
{
    /// <summary>Help is wrapped at this width wherever it is written, so docs/cli.md can quote it.</summary>
    public const int HelpWidth = 100;

    public static string RootNotes => $"""
        Models: {Catalog.ModelCatalog.Names}, or a spec file (.json).
        Data sets: {DataSetCatalog.Names}.
        Exit codes: 0 success; 2 bad usage, invalid model spec or an output path that cannot be
        written (checked before any work); 3 bad data, model or engine file; 4 a result could not be
        written at the end and went to a fallback path (printed); 5 training diverged; 6 standard
        output could not be written (the files were).
        """;

    public int Run(IReadOnlyList<string> args)
    {
        var code = RunCommand(args);
        if (terminal.OutputLost is not { } why)
            return code;
        // The files are written; what was lost is the text on standard output.
        terminal.Error.WriteLine($"qnn: standard output could not be written ({why}); the command's files were written");
        return code == ExitCodes.Success ? ExitCodes.OutputLost : code;
    }

    private int RunCommand(IReadOnlyList<string> args)
    {
        try
        {
            var result = Definition().Parse(HelpWord(args));
            var invocation = new InvocationConfiguration
            {
                Output = terminal.Out, Error = terminal.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
            };
            return result.Action is ParseErrorAction ? ParseErrors(result) : result.Invoke(invocation);
        }
        catch (UsageException e)
        {
            terminal.Error.WriteLine($"qnn: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Validation.InvalidSpecException e)
        {
            terminal.Error.WriteLine($"qnn: invalid model spec:\n{e.Message}");
            return ExitCodes.Usage;
        }
        catch (DataException e)
        {
            terminal.Error.WriteLine($"qnn: data error: {e.Message}");
            return ExitCodes.Data;
        }
        catch (Persistence.ResultNotWrittenException e)
        {
            terminal.Error.WriteLine($"qnn: {e.Message}");
            return ExitCodes.ResultElsewhere;
        }
        catch (Qnn.Search.Storage.StudyStoreException e)
        {
            terminal.Error.WriteLine($"qnn: data error: --storage: {e.Message}");
            return ExitCodes.Data;
        }
    }

    /// <summary>The command tree: every command with its options, plus --help and --version.</summary>
    public Command Definition()
    {
        var train = new TrainCommand(terminal, MakeDataSets);
        var root = new Command("qnn", "Quantization-aware training experiments: train, evaluate, export and run bit-packed models.")
        {
            train.Definition(),
            new EvalCommand(terminal, MakeDataSets).Definition(),
            new ExportCommand(terminal).Definition(),
            new PredictCommand(terminal, MakeDataSets).Definition(),
            new InspectCommand(terminal).Definition(),
            new DatasetsCommand(terminal, Locator).Definition(),
            new SearchCommand(terminal, MakeDataSets).Definition(),
            new StudyCommand(terminal).Definition(),
        };
        var notes = new Dictionary<Command, string> { [root] = RootNotes, [root.Subcommands[0]] = TrainCommand.Notes };
        root.Options.Add(new HelpOption { Action = new HelpWithNotes(notes, HelpWidth) });
        root.Options.Add(new VersionOption { Action = new VersionAction() });
        return root;
    }

    /// <summary>`qnn help` and `qnn help COMMAND` mean `--help`, as in git and dotnet.</summary>
    /// An unknown command after `help` stays a word the parser refuses (exit 2), not help's 0.
    private string[] HelpWord(IReadOnlyList<string> args)
    {
        if (args.Count is not (1 or 2) || args[0] != "help")
            return args.ToArray();
        if (args.Count == 2 && Definition().Subcommands.All(c => c.Name != args[1]))
            return args.Skip(1).ToArray();
        return args.Skip(1).Append("--help").ToArray();
    }

    /// <summary>The library's errors and typo suggestions ("Did you mean …"), each error after
    /// "qnn: ", then where help is; exit code 2.</summary>
    private int ParseErrors(ParseResult result)
    {
        var errors = result.Errors.Select(e => e.Message).Distinct().ToList();
        // "Required command was not provided" says nothing more when a word was not understood.
        if (errors.Count > 1)
            errors.RemoveAll(e => e.StartsWith("Required command was not provided", StringComparison.Ordinal));
        var captured = new StringWriter();
        ((ParseErrorAction)result.Action!).ShowHelp = false;
        result.Invoke(new InvocationConfiguration { Output = captured, Error = captured, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        var all = result.Errors.Select(e => e.Message).ToHashSet();
        var suggestions = captured.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Where(line => !all.Contains(line));
        foreach (var error in errors)
            terminal.Error.WriteLine($"qnn: {error}");
        foreach (var line in suggestions)
            terminal.Error.WriteLine(line);
        var command = result.CommandResult.Command;
        terminal.Error.WriteLine(command.Subcommands.Count > 0 ? "`qnn --help` lists the commands." : $"`qnn {command.Name} --help` lists the flags.");
        return ExitCodes.Usage;
    }

    private DataSets MakeDataSets(DataOptions options) =>
        new(options, Locator(options.DataDir),
            () => new Downloader(http?.Invoke() ?? new HttpClient { Timeout = TimeSpan.FromMinutes(10) }, terminal.Error, terminal.Interactive),
            terminal.Error);

    private DataLocator Locator(string? dataDir) =>
        environment is null ? DataLocator.FromEnvironment(dataDir) : new DataLocator(dataDir, environment);
}
