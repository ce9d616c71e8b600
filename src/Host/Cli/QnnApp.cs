using Qnn.Host.Commands;
using Qnn.Host.Data;

namespace Qnn.Host.Cli;

/// <summary>The qnn command line: dispatches to a command and turns a user's mistakes into a
/// message and an exit code (2 usage, 3 data), never a stack trace.</summary>
public sealed class QnnApp(Terminal terminal, Func<HttpClient>? http = null)
{
    public const string Usage = "usage: qnn <train|eval|inspect|datasets|help> [flags]; `qnn help` lists the flags";

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
                "inspect" => new InspectCommand(terminal).Run(rest),
                "datasets" => new DatasetsCommand(terminal).Run(rest),
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
        new(options, DataLocator.FromEnvironment(options.DataDir),
            () => new Downloader(http?.Invoke() ?? new HttpClient { Timeout = TimeSpan.FromMinutes(10) }, terminal.Error, terminal.Interactive));

    private int Help()
    {
        var o = terminal.Out;
        o.WriteLine("qnn: quantization-aware training experiments");
        o.WriteLine();
        foreach (var usage in new[] { TrainCommand.Usage, EvalCommand.Usage, InspectCommand.Usage, DatasetsCommand.Usage })
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
