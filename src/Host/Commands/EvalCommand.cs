using System.CommandLine;
using System.Globalization;
using Qnn.Host.Cli;
using Qnn.Host.Data;
using Qnn.Host.Persistence;
using TorchSharp;

namespace Qnn.Host.Commands;

/// <summary>`qnn eval --load FILE [--dataset NAME]`: reloads a saved model and reports its test
/// accuracy; the data set and split it was trained on are the default, so the accuracy is exactly
/// the one reported at the end of training.</summary>
public sealed class EvalCommand(Terminal terminal, Func<DataOptions, DataSets> dataSets)
{
    private readonly Option<string?> load = Flag.Text("--load", "FILE", "A model saved by `qnn train --save`", required: true);
    private readonly Option<string?> dataSet = Flag.Text("--dataset", "NAME", "Evaluate on this data set [default: the one it was trained on]");
    private readonly DataFlags dataFlags = new();
    private readonly Option<int?> threads = Threads.Flag();
    private readonly Option<string> device = Devices.Flag();

    public Command Definition()
    {
        var command = new Command("eval", "Evaluate a model saved by `qnn train --save` on its data set's test split.") { load, dataSet };
        foreach (var option in dataFlags.All(tables: false))
            command.Options.Add(option);
        command.Options.Add(threads);
        command.Options.Add(device);
        command.SetAction(Run);
        return command;
    }

    public int Run(ParseResult flags)
    {
        Threads.Apply(flags.GetValue(threads), terminal.Error);
        var onDevice = Devices.Resolve(flags.GetValue(device)!);
        var path = flags.GetValue(load)!;
        var (network, info) = SavedModel.Load(path);
        using var _ = network;
        network.to(onDevice);
        var options = dataFlags.Read(flags) with { LabelColumn = info.LabelColumn, SplitSeed = info.SplitSeed };
        var data = dataSets(options).Load(flags.GetValue(dataSet) ?? info.DataSet);
        var (_, test) = ModelData.Fit(network.Spec, info.Model, data);
        var (loss, accuracy) = Training.evaluate(network, test, info.EvaluationBatchSize);
        terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{info.Model} on {data.Name}: accuracy {accuracy * 100:F2}% ({test.Count} test samples, loss {loss:F4}); at the end of training: {info.Accuracy * 100:F2}% on {info.DataSet}"));
        Reports.ProvenanceText.Write(terminal.Out, info.Provenance);
        return ExitCodes.Success;
    }
}
