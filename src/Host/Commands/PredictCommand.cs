using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Qnn.Engine;
using Qnn.Host.Cli;
using Qnn.Host.Data;
using Qnn.Host.Persistence;
using Qnn.Host.Reports;
using Qnn.Engine.Format;
using Qnn.Engine.Kernels;

namespace Qnn.Host.Commands;

/// <summary>`qnn predict --model FILE.qnnx` with `--dataset NAME` (the engine's accuracy on the
/// test split and its throughput) or `--input FILE` (each sample's class and logits as CSV, on
/// standard output or in `--output FILE`); `--threads N` splits the samples over N threads.</summary>
public sealed class PredictCommand(Terminal terminal, Func<DataOptions, DataSets> dataSets)
{
    private readonly Option<string?> modelFlag = Flag.Text("--model", "FILE.qnnx", "An engine file written by `qnn export`", required: true);
    private readonly Option<string?> dataSetFlag = Flag.Text("--dataset", "NAME", "A data set by name, or csv:PATH: report accuracy and speed on its test split");
    private readonly Option<string?> inputFlag = Flag.Text("--input", "FILE", "A CSV of raw feature columns or an IDX image file: predict each sample");
    private readonly Option<string?> outputFlag = Flag.Text("--output", "FILE.csv", "Where --input's predictions go [default: standard output]");
    private readonly Option<int> threadsFlag = Flag.Int("--threads", "Split the samples over N threads", 1, 1);
    private readonly DataFlags dataFlags = new();

    public Command Definition()
    {
        var command = new Command("predict", "Predict with an exported engine: each sample of a file (--input), or accuracy and samples per second on a data set's test split (--dataset).")
        {
            modelFlag, dataSetFlag, inputFlag, outputFlag, threadsFlag,
        };
        foreach (var option in dataFlags.All(tables: true))
            command.Options.Add(option);
        command.SetAction(Run);
        return command;
    }

    public int Run(ParseResult flags)
    {
        var path = flags.GetValue(modelFlag)!;
        var dataSet = flags.GetValue(dataSetFlag);
        var input = flags.GetValue(inputFlag);
        var output = flags.GetValue(outputFlag);
        if ((dataSet is null) == (input is null))
            throw new UsageException("qnn predict takes exactly one of --input FILE (predict each sample) and --dataset NAME (accuracy and speed)");
        if (output is not null && input is null)
            throw new UsageException("--output goes with --input (--dataset prints a summary)");
        if (output is not null)
            OutputPaths.Check(new[] { ("--output", (string?)output) }, new[] { ("--model", (string?)path), ("--input", input) }, streams: new[] { "--output" });
        var threads = Threads.Cap(flags.GetValue(threadsFlag), terminal.Error);
        var model = Load(path);
        return input is not null
            ? PredictFile(model, input, output, threads)
            : Measure(model, path, dataSet!, dataFlags.Read(flags), threads);
    }

    private int PredictFile(EngineModel model, string input, string? output, int threads)
    {
        var samples = PredictionInput.Read(input, model.Input.Shape);
        var logits = new float[(long)samples.Count * model.Classes];
        ParallelBatch.Logits(model, samples.Values, logits, threads);
        if (output is null)
        {
            PredictionCsv.Write(terminal.Out, model, logits, samples.Count, () => terminal.OutputLost is not null);
            return ExitCodes.Success;
        }
        var files = new ResultFiles(terminal.Error);
        files.Write("--output", output, temporary =>
        {
            using var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            PredictionCsv.Write(writer, model, logits, samples.Count);
        }, throughStreams: true);
        return files.FellBack ? ExitCodes.ResultElsewhere : ExitCodes.Success;
    }

    /// <summary>How long <c>--dataset</c> warms up, then times the predictions (whole passes, at least one).</summary>
    private const double MeasureSeconds = 0.5;

    /// <summary>Seconds per pass over the samples, passes repeated for <see cref="MeasureSeconds"/>.</summary>
    private static double Passes(EngineModel model, float[] samples, int[] predicted, Workspace[] workspaces)
    {
        var clock = Stopwatch.StartNew();
        var passes = 0;
        do
        {
            ParallelBatch.Predict(model, samples, predicted, workspaces);
            passes++;
        }
        while (clock.Elapsed.TotalSeconds < MeasureSeconds);
        return clock.Elapsed.TotalSeconds / passes;
    }

    private int Measure(EngineModel model, string path, string dataSet, DataOptions options, int threads)
    {
        var data = dataSets(options).Load(dataSet);
        if (data.SampleShape.Aggregate(1, (p, n) => p * n) != model.Input.Size || data.Classes != model.Classes)
            throw new UsageException($"{path} takes {model.Input.Size} values and gives {model.Classes} classes; data set {data.Name} has samples of {string.Join("×", data.SampleShape)} and {data.Classes} classes");
        var samples = data.Test.Features.contiguous().data<float>().ToArray();
        var labels = data.Test.Labels.data<long>().ToArray();
        var predicted = new int[labels.Length];
        var workspaces = ParallelBatch.CreateWorkspaces(model, threads);
        // Whole passes over the test split for half a second to warm up, then for half a second
        // timed: one pass of a fast model takes a few tens of milliseconds, and until the runtime's
        // tiered JIT has recompiled the kernels its background compiles take a core from one of
        // the threads (two threads came out at 0.9–1.6× one; with the JIT settled, 1.8–1.9×).
        Passes(model, samples, predicted, workspaces);
        var seconds = Passes(model, samples, predicted, workspaces);
        var correct = predicted.Where((p, i) => p == labels[i]).Count();
        var on = threads == 1 ? "one thread" : string.Create(CultureInfo.InvariantCulture, $"{threads} threads");
        terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model.Name} on {data.Name}: accuracy {100.0 * correct / labels.Length:F2}% ({labels.Length} test samples); {labels.Length / seconds:N0} samples/s on {on} ({PopCountKernel.Best} popcount)"));
        return ExitCodes.Success;
    }

    public static EngineModel Load(string path, string flag = "--model")
    {
        var file = InputFile.Check(flag, path, long.MaxValue);
        try
        {
            using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read);
            return QnnxFormat.Read(stream);
        }
        catch (QnnxFormatException e)
        {
            throw new DataException($"{path}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{flag} {path}: cannot be read ({e.Message})", e);
        }
    }
}
