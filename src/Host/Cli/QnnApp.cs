using Qnn.Host.Commands;
using Qnn.Host.Data;

namespace Qnn.Host.Cli;

/// <summary>The qnn command line: dispatches to a command and turns a user's mistakes into a
/// message and an exit code (2 usage, 3 data), never a stack trace.</summary>
/// <param name="environment">QNN_DATA_DIR, XDG_CACHE_HOME and HOME as the process sees them
/// unless a test gives its own.</param>
public sealed class QnnApp(Terminal terminal, Func<HttpClient>? http = null, IReadOnlyDictionary<string, string?>? environment = null)
{
    public const string Usage = "usage: qnn <train|eval|export|predict|inspect|datasets|help> [flags]; `qnn help` lists the flags";

    public int Run(IReadOnlyList<string> args)
    {
        try
        {
            if (args.Count == 0)
                throw new UsageException(Usage);
            var rest = args.Skip(1).ToList();
            return args[0] switch
            {
                "train" => new TrainCommand(terminal, MakeDataSets).Run(rest),
                "eval" => new EvalCommand(terminal, MakeDataSets).Run(rest),
                "export" => new ExportCommand(terminal).Run(rest),
                "predict" => new PredictCommand(terminal, MakeDataSets).Run(rest),
                "inspect" => new InspectCommand(terminal).Run(rest),
                "datasets" => new DatasetsCommand(terminal, Locator).Run(rest),
                "help" or "--help" or "-h" => Help(),
                var other => throw new UsageException($"unknown command '{other}'; {Usage}"),
            };
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
    }

    private DataSets MakeDataSets(DataOptions options) =>
        new(options, Locator(options.DataDir),
            () => new Downloader(http?.Invoke() ?? new HttpClient { Timeout = TimeSpan.FromMinutes(10) }, terminal.Error, terminal.Interactive));

    private DataLocator Locator(string? dataDir) =>
        environment is null ? DataLocator.FromEnvironment(dataDir) : new DataLocator(dataDir, environment);

    private int Help()
    {
        var o = terminal.Out;
        o.WriteLine("qnn: quantization-aware training experiments");
        o.WriteLine();
        foreach (var usage in new[] { TrainCommand.Usage, EvalCommand.Usage, ExportCommand.Usage, PredictCommand.Usage, InspectCommand.Usage, DatasetsCommand.Usage })
        {
            o.WriteLine(usage);
            o.WriteLine();
        }
        o.WriteLine($"models: {Models.ModelCatalog.Names}, or a spec file (.json)");
        o.WriteLine($"data sets: {DataSetCatalog.Names}");
        o.WriteLine("exit codes: 0 success, 2 bad usage or invalid model spec, 3 data problem");
        return ExitCodes.Success;
    }
}
