using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Qnn.Engine;
using Qnn.Host.Cli;
using Qnn.Host.Data;

namespace Qnn.Host.Commands;

/// <summary>`qnn predict --model FILE.qnnx --dataset NAME`: the engine's accuracy on the test split
/// and its throughput on one thread.</summary>
public sealed class PredictCommand(Terminal terminal, Func<DataOptions, DataSets> dataSets)
{
    private readonly Option<string?> modelFlag = Flag.Text("--model", "FILE.qnnx", "An engine file written by `qnn export`", required: true);
    private readonly Option<string?> dataSetFlag = Flag.Text("--dataset", "NAME", "A data set by name, or csv:PATH", required: true);
    private readonly DataFlags dataFlags = new();

    public Command Definition()
    {
        var command = new Command("predict", "Accuracy and samples per second of an exported engine on a data set's test split.") { modelFlag, dataSetFlag };
        foreach (var option in dataFlags.All(tables: true))
            command.Options.Add(option);
        command.SetAction(Run);
        return command;
    }

    public int Run(ParseResult flags)
    {
        var path = flags.GetValue(modelFlag)!;
        var dataSet = flags.GetValue(dataSetFlag)!;
        var model = Load(path);
        var options = dataFlags.Read(flags);
        var data = dataSets(options).Load(dataSet);
        if (data.SampleShape.Aggregate(1, (p, n) => p * n) != model.Input.Size || data.Classes != model.Classes)
            throw new UsageException($"{path} takes {model.Input.Size} values and gives {model.Classes} classes; data set {data.Name} has samples of {string.Join("×", data.SampleShape)} and {data.Classes} classes");
        var samples = data.Test.Features.contiguous().data<float>().ToArray();
        var labels = data.Test.Labels.data<long>().ToArray();
        var predicted = new int[labels.Length];
        var workspace = model.CreateWorkspace();
        model.Predict(samples, predicted, workspace);                 // warm-up
        var clock = Stopwatch.StartNew();
        model.Predict(samples, predicted, workspace);
        var seconds = clock.Elapsed.TotalSeconds;
        var correct = predicted.Where((p, i) => p == labels[i]).Count();
        terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model.Name} on {data.Name}: accuracy {100.0 * correct / labels.Length:F2}% ({labels.Length} test samples); {labels.Length / seconds:N0} samples/s on one thread ({PopCountKernel.Best} popcount)"));
        return ExitCodes.Success;
    }

    public static EngineModel Load(string path)
    {
        if (!File.Exists(path))
            throw new DataException($"{path}: no such file");
        try
        {
            using var stream = File.OpenRead(path);
            return QnnxFormat.Read(stream);
        }
        catch (QnnxFormatException e)
        {
            throw new DataException($"{path}: {e.Message}", e);
        }
    }
}
