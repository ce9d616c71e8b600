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
    public static readonly IReadOnlyDictionary<string, bool> Flags = new Dictionary<string, bool>
    {
        ["model"] = true, ["dataset"] = true, ["data-dir"] = true, ["offline"] = false, ["split-seed"] = true, ["label-column"] = true,
    };

    public const string Usage = """
        qnn predict --model FILE.qnnx --dataset NAME [--data-dir DIR] [--offline] [--split-seed N]
          Accuracy and samples per second of the exported engine on the data set's test split.
        """;

    public int Run(IReadOnlyList<string> args)
    {
        var flags = CommandLine.Parse("predict", args, Flags);
        var path = flags.String("model") ?? throw new UsageException("qnn predict: --model FILE.qnnx is required");
        var dataSet = flags.String("dataset") ?? throw new UsageException("qnn predict: --dataset NAME is required");
        var model = Load(path);
        var options = new DataOptions(flags.String("data-dir"), flags.Has("offline"), flags.String("label-column"), (uint)flags.Int("split-seed", 42, 0));
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
