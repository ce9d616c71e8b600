using System.Globalization;
using Qnn.Host.Cli;
using Qnn.Host.Data;
using Qnn.Host.Persistence;

namespace Qnn.Host.Commands;

/// <summary>`qnn eval --load FILE [--dataset NAME]`: reloads a saved model and reports its test
/// accuracy; the data set and split it was trained on are the default, so the accuracy is exactly
/// the one reported at the end of training.</summary>
public sealed class EvalCommand(Terminal terminal, Func<DataOptions, DataSets> dataSets)
{
    public static readonly IReadOnlyDictionary<string, bool> Flags = new Dictionary<string, bool>
    {
        ["load"] = true, ["dataset"] = true, ["data-dir"] = true, ["offline"] = false, ["threads"] = true,
    };

    public const string Usage = """
        qnn eval --load FILE [--dataset NAME] [--data-dir DIR] [--offline] [--threads N]
          Evaluates a model saved by `qnn train --save` on its data set's test split.
        """;

    public int Run(IReadOnlyList<string> args)
    {
        var flags = CommandLine.Parse("eval", args, Flags);
        Threads.Apply(flags);
        var path = flags.String("load") ?? throw new UsageException("qnn eval: --load FILE is required");
        var (network, info) = SavedModel.Load(path);
        using var _ = network;
        var options = new DataOptions(flags.String("data-dir"), flags.Has("offline"), info.LabelColumn, info.SplitSeed);
        var data = dataSets(options).Load(flags.String("dataset", info.DataSet));
        var (_, test) = ModelData.Fit(network.Spec, info.Model, data);
        var (loss, accuracy) = Training.evaluate(network, test, info.EvaluationBatchSize);
        terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{info.Model} on {data.Name}: accuracy {accuracy * 100:F2}% ({test.Count} test samples, loss {loss:F4}); at the end of training: {info.Accuracy * 100:F2}% on {info.DataSet}"));
        return ExitCodes.Success;
    }
}
