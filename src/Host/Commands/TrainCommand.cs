using System.CommandLine;
using System.Globalization;
using Qnn.Host.Cli;
using Qnn.Host.Data;
using Qnn.Host.Models;
using Qnn.Host.Persistence;
using Qnn.Host.Reports;
using TorchSharp;

namespace Qnn.Host.Commands;

/// <summary>
/// `qnn train`: trains a model on a data set, `--runs` times with seeds seed, seed+1, …, and
/// reports each run's accuracy with max, mean and std (the seed's evaluate_model). With no flags
/// it runs the seed's first experiment: VertebralMlp on vertebral, 15 epochs, batch 32, lr 0.01,
/// weight decay 1e-4, patience 10.
/// </summary>
public sealed class TrainCommand(Terminal terminal, Func<DataOptions, DataSets> dataSets)
{
    private readonly Option<string> model = Flag.Text("--model", "NAME|FILE", "A model of the catalog or a spec file (.json)", "VertebralMlp");
    private readonly Option<string?> dataSet = Flag.Text("--dataset", "NAME", "A data set by name, or csv:PATH [default: the model's own]");
    private readonly Option<int> epochs = Flag.Int("--epochs", "Epochs per run", TrainConfig.Default.Epochs, 1);
    private readonly Option<int> batchSize = Flag.Int("--batch-size", "Samples per batch", TrainConfig.Default.BatchSize, 2);
    private readonly Option<double> learningRate = Flag.Number("--lr", "Learning rate", TrainConfig.Default.LearningRate, positive: true);
    private readonly Option<double> weightDecay = Flag.Number("--weight-decay", "Weight decay", TrainConfig.Default.WeightDecay, positive: false);
    private readonly Option<int> patience = Flag.Int("--patience", "Epochs without improvement before stopping; 0 turns early stopping off", TrainConfig.Default.Patience!.Value, 0);
    private readonly Option<int> runs = Flag.Int("--runs", "Runs, with seeds seed, seed+1, …", 1, 1);
    private readonly Option<int> seed = Flag.Int("--seed", "Seed of the first run", TrainConfig.Default.Seed, 0);
    private readonly Option<int?> threads = Threads.Flag();
    private readonly Option<string> device = Devices.Flag();
    private readonly Option<string?> save = Flag.Text("--save", "FILE", "Save the best run's model here (for eval, export, inspect --load)");
    private readonly Option<string?> json = Flag.Text("--json", "FILE", "Write the accuracies and timings as JSON");
    private readonly Option<string?> plot = Flag.Text("--plot", "FILE.png", "Draw loss and accuracy per epoch of every run");
    private readonly DataFlags data = new();
    private readonly Option<string> optimizer = Flag.Choice("--optimizer", "The optimizer", "adam", "adam", "sgd");
    private readonly Option<double> momentum = Flag.Number("--momentum", "Momentum of --optimizer sgd", 0.9, positive: false, below: 1);
    private readonly Option<bool> cosine = Flag.Switch("--cosine", "Cosine annealing of the learning rate to 0 over the epochs");
    private readonly Option<string> stopOn = Flag.Choice("--stop-on", "The loss that early stopping and --restore-best watch: validation or training", "val", "val", "train");
    private readonly Option<string> restoreBest = Flag.OnOff("--restore-best", "Reload the best epoch's weights (by --stop-on) before the final evaluation", TrainConfig.Default.RestoreBest);
    private readonly Option<string> clipLatent = Flag.OnOff("--clip-latent", "Clamp latent binary weights to [-1, 1] after each step (BinaryNet)", TrainConfig.Default.ClipLatentWeights);
    private readonly Option<string> bnRecalibrate = Flag.OnOff("--bn-recalibrate", "Re-estimate BatchNorm statistics on the training set at the end", TrainConfig.Default.RecalibrateBatchNorm);
    private readonly Option<string> oneThreadSmall = Flag.OnOff("--one-thread-small", "Train a small model without convolutions on one thread", TrainConfig.Default.OneThreadForSmallModels);

    public Command Definition()
    {
        var command = new Command("train", "Train a model on a data set, --runs times, and report each run's accuracy with max, mean and std.")
        {
            model, dataSet, epochs, batchSize, learningRate, weightDecay, patience, runs, seed, threads, device, save, json, plot,
        };
        foreach (var option in data.All(tables: true))
            command.Options.Add(option);
        foreach (var option in new Option[] { optimizer, momentum, cosine, stopOn, restoreBest, clipLatent, bnRecalibrate, oneThreadSmall })
            command.Options.Add(option);
        command.SetAction(Run);
        return command;
    }

    /// <summary>What `qnn train --help` adds after the options.</summary>
    public const string Notes = """
        The test split doubles as the validation set, as in the seed notebook. A model without
        convolutions whose batch × widest layer is below 32,768 trains on one thread (threads cost
        more than they give there) unless --one-thread-small off.
        """;

    public int Run(ParseResult flags)
    {
        var (savePath, jsonPath, plotPath) = (flags.GetValue(save), flags.GetValue(json), flags.GetValue(plot));
        // Before any work: a result that cannot be written must not cost a training.
        OutputPaths.Check(new[] { ("--save", savePath), ("--json", jsonPath), ("--plot", plotPath) });
        var threadCount = Threads.Apply(flags.GetValue(threads), terminal.Error);
        var chosen = ModelCatalog.Resolve(flags.GetValue(model)!);
        var config = ReadConfig(flags);
        CheckMemory(chosen, config);
        var runCount = flags.GetValue(runs);
        var dataOptions = data.Read(flags);
        var dataSetName = flags.GetValue(dataSet) ?? chosen.DefaultDataSet;
        var loaded = dataSets(dataOptions).Load(dataSetName);
        var (train, test) = ModelData.Fit(chosen.Spec, chosen.Name, loaded);

        var output = terminal.Out;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training {chosen.Name} on {loaded.Name} ({train.Count} train, {test.Count} test samples): {config.Epochs} epochs, batch {config.BatchSize}, lr {config.LearningRate}, weight decay {config.WeightDecay}, patience {(config.Patience is null ? "off" : config.Patience.Value)}, {runCount} run{(runCount > 1 ? "s" : "")}, seed {config.Seed}, {threadCount} threads"));
        var results = new List<RunResult>();
        torch.nn.Module<torch.Tensor, torch.Tensor>? best = null;
        RunResult? bestResult = null;
        new EpochProgress(terminal, runCount, config.Epochs).Track(progress =>
        {
            for (var run = 0; run < runCount; run++)
            {
                var runConfig = Trainer.Configure(config, seed: config.Seed + run);
                torch.manual_seed(runConfig.Seed);
                var network = chosen.Create();
                var result = Training.fit(network, runConfig, train, test, run, Microsoft.FSharp.Core.FuncConvert.FromAction<EpochRecord>(progress.Epoch));
                progress.RunDone(result);
                results.Add(result);
                // A diverged run's weights are worth keeping only where its best epoch was restored.
                var savable = !result.Diverged || (config.RestoreBest && result.BestEpoch >= 1);
                if (savable && (bestResult is null || result.Accuracy > bestResult.Accuracy))
                {
                    best?.Dispose();
                    // Saved from the CPU, whatever device it trained on.
                    network.to(torch.CPU);
                    (best, bestResult) = (network, result);
                }
                else
                {
                    network.Dispose();
                }
            }
        });

        var summary = Summarize(chosen.Name, loaded.Name, config, train, test, results, threadCount);
        summary.WriteText(output);
        // The model first: it is the result that cost the most.
        var diverged = results.Where(r => r.Diverged).ToList();
        foreach (var run in diverged)
            terminal.Error.WriteLine($"qnn: run {run.Run + 1} diverged at epoch {run.DivergedAtEpoch.Value} (its training loss is not a finite number)"
                + (config.RestoreBest && run.BestEpoch >= 1 ? $"; its best epoch, {run.BestEpoch}, is kept" : "; none of its epochs is kept"));
        var files = new ResultFiles(terminal.Error);
        if (savePath is not null && best is null)
            terminal.Error.WriteLine($"qnn: nothing saved to {savePath}: no run has weights from a finite epoch");
        if (savePath is not null && best is not null)
        {
            var info = new SavedModelInfo(chosen.Name, loaded.Name, loaded.ClassNames.ToArray(), bestResult!.Accuracy,
                Math.Max(config.BatchSize, 256), dataOptions.SplitSeed, dataOptions.LabelColumn, DateTime.UtcNow.ToString("O"));
            var at = files.Write("--save", savePath, temporary => SavedModel.Write(temporary, best!, chosen.Spec, info));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"saved run {bestResult.Run + 1} (accuracy {bestResult.Accuracy * 100:F2}%) to {at}"));
        }
        best?.Dispose();
        if (jsonPath is not null)
            output.WriteLine($"wrote {files.Write("--json", jsonPath, summary.WriteJson)}");
        if (plotPath is not null)
            output.WriteLine($"wrote {files.Write("--plot", plotPath, temporary => CurvePlot.Draw(temporary, $"{chosen.Name} on {loaded.Name}", results))}");
        return diverged.Count > 0 ? ExitCodes.Diverged : files.FellBack ? ExitCodes.ResultElsewhere : ExitCodes.Success;
    }

    /// <summary>A model whose training cannot fit in this machine's memory is refused before
    /// libtorch tries (and fails with a native error, or takes the machine).</summary>
    private static void CheckMemory(ModelChoice chosen, TrainConfig config)
    {
        var needed = global::Qnn.Spec.trainingBytes(chosen.Spec, config.BatchSize, Math.Max(config.BatchSize, 256));
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (needed > available)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"qnn train: {chosen.Name} at batch {config.BatchSize} needs at least {needed / (double)(1L << 30):F1} GiB to train and evaluate, more than this machine's {available / (double)(1L << 30):F1} GiB; a smaller --batch-size or a smaller model fits"));
    }

    private TrainConfig ReadConfig(ParseResult flags)
    {
        var stopAfter = flags.GetValue(patience);
        var sgd = flags.GetValue(optimizer) == "sgd";
        if (!sgd && flags.GetResult(momentum) is { Implicit: false })
            throw new UsageException("qnn train: --momentum applies to --optimizer sgd");
        return new TrainConfig(
            flags.GetValue(epochs),
            flags.GetValue(batchSize),
            flags.GetValue(learningRate),
            flags.GetValue(weightDecay),
            sgd ? OptimizerKind.NewSgdMomentum(flags.GetValue(momentum)) : OptimizerKind.Adam,
            flags.GetValue(cosine),
            stopAfter == 0 ? null : stopAfter,
            flags.GetValue(stopOn) == "train" ? StopMetric.TrainLoss : StopMetric.ValidationLoss,
            flags.IsOn(restoreBest),
            flags.GetValue(seed),
            flags.IsOn(clipLatent),
            flags.IsOn(bnRecalibrate),
            flags.IsOn(oneThreadSmall),
            Devices.Resolve(flags.GetValue(device)!));
    }

    private static TrainingSummary Summarize(string model, string dataSet, TrainConfig config, TensorDataset train, TensorDataset test, List<RunResult> results, int threads)
    {
        var repeat = Training.summarize(results.ToArray());
        return new TrainingSummary(model, dataSet, results.Count, config.Epochs, train.Count, test.Count,
            repeat.Accuracies, repeat.Max, repeat.Mean, repeat.Std, TrainingSummary.MedianEpochSeconds(results),
            results.Select(r => r.History.Length).ToArray(), config.Seed, threads);
    }
}
