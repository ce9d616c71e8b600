using System.CommandLine;
using System.Globalization;
using Qnn.Host.Cli;
using Qnn.Host.Data;
using Qnn.Host.Catalog;
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
    // At most what a saved model may record as its evaluation batch, so whatever trains can be loaded.
    private readonly Option<int> batchSize = Flag.Int("--batch-size", "Samples per batch", TrainConfig.Default.BatchSize, 2, SavedModel.MaxEvaluationBatchSize);
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
    private readonly Option<string?> like = Flag.Text("--like", "FILE", "Train again as a --json result or a saved .qnn records it (model, data, every training setting, threads); flags given here override the record");
    private readonly DataFlags data = new();
    private readonly Option<string> optimizer = Flag.Choice("--optimizer", "The optimizer", "adam", "adam", "sgd");
    private readonly Option<double> momentum = Flag.Number("--momentum", "Momentum of --optimizer sgd", 0.9, positive: false, below: 1);
    private readonly Option<bool> cosine = Flag.Switch("--cosine", "Cosine annealing of the learning rate to 0 over the epochs");
    private readonly Option<double> validationSplit = Flag.Number("--validation-split", "Hold out this fraction of the training set (per class, drawn with --seed) as the validation set that early stopping and --restore-best watch; 0 watches the test split", TrainConfig.Default.ValidationSplit, positive: false, below: 1);
    private readonly Option<int> augmentShift = Flag.Int("--augment-shift", "Shift each training image by up to this many pixels along each axis, drawn anew every epoch from --seed; 0 does not", 0, 0, 64);
    private readonly Option<int> augmentRotate = Flag.Int("--augment-rotate", "Rotate each training image by up to this many degrees, drawn anew every epoch from --seed; 0 does not", 0, 0, 180);
    private readonly Option<string> stopOn = Flag.Choice("--stop-on", "The loss that early stopping and --restore-best watch: validation or training", "val", "val", "train");
    private readonly Option<string> restoreBest = Flag.OnOff("--restore-best", "Reload the best epoch's weights (by --stop-on) before the final evaluation", TrainConfig.Default.RestoreBest);
    private readonly Option<string> clipLatent = Flag.OnOff("--clip-latent", "Clamp latent binary weights to [-1, 1] after each step (BinaryNet)", TrainConfig.Default.ClipLatentWeights);
    private readonly Option<string> bnRecalibrate = Flag.OnOff("--bn-recalibrate", "Re-estimate BatchNorm statistics on the training set at the end", TrainConfig.Default.RecalibrateBatchNorm);
    private readonly Option<string> oneThreadSmall = Flag.OnOff("--one-thread-small", "Train a small model without convolutions on one thread", TrainConfig.Default.OneThreadForSmallModels);

    public Command Definition()
    {
        var command = new Command("train", "Train a model on a data set, --runs times, and report each run's accuracy with max, mean and std.")
        {
            model, dataSet, epochs, batchSize, learningRate, weightDecay, patience, runs, seed, threads, device, save, json, plot, like,
        };
        foreach (var option in data.All(tables: true))
            command.Options.Add(option);
        foreach (var option in new Option[] { optimizer, momentum, cosine, validationSplit, augmentShift, augmentRotate, stopOn, restoreBest, clipLatent, bnRecalibrate, oneThreadSmall })
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
        var (savePath, jsonPath, plotPath, likePath) = (flags.GetValue(save), flags.GetValue(json), flags.GetValue(plot), flags.GetValue(like));
        // Before any work: a result that cannot be written must not cost a training, nor overwrite the record it repeats.
        OutputPaths.Check(new[] { ("--save", savePath), ("--json", jsonPath), ("--plot", plotPath) }, new[] { ("--like", likePath) });
        var record = likePath is null ? null : TrainingRecordFile.Read("--like", likePath);
        var recorded = record?.Provenance;
        bool Given(Option option) => flags.GetResult(option) is { Implicit: false };
        var threadCount = Threads.Apply(Given(threads) || recorded is null ? flags.GetValue(threads) : recorded.Threads, terminal.Error);
        var chosen = Given(model) || record is null
            ? ModelCatalog.Resolve(flags.GetValue(model)!)
            : ModelCatalog.FromRecord(record.Model, record.Spec, record.Path);
        var config = ReadConfig(flags, Given, recorded?.Training ?? TrainConfig.Default);
        if (config.Augmentation is not null && chosen.Spec.Input.IsFeatures)
            throw new UsageException($"qnn train: --augment-shift and --augment-rotate move images; {chosen.Name} takes features");
        CheckMemory(chosen, config);
        var runCount = Given(runs) || record is null ? flags.GetValue(runs) : record.Runs;
        var dataOptions = data.Read(flags);
        if (recorded?.Data.Split is { } split)
        {
            dataOptions = dataOptions with
            {
                SplitSeed = Given(data.SplitSeed) ? dataOptions.SplitSeed : split.Seed,
                TestFraction = split.TestFraction,
                LabelColumn = Given(data.LabelColumn) ? dataOptions.LabelColumn : split.LabelColumn,
            };
        }
        var dataSetName = flags.GetValue(dataSet) ?? recorded?.Data.DataSet ?? chosen.DefaultDataSet;
        var loaded = dataSets(dataOptions).Load(dataSetName);
        var (train, test) = ModelData.Fit(chosen.Spec, chosen.Name, loaded);

        var output = terminal.Out;
        if (record is not null)
        {
            var overridden = flags.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>()
                .Where(o => !o.Implicit && o.Option != like && o.Option != save && o.Option != json && o.Option != plot).Select(o => o.Option.Name).ToList();
            output.WriteLine($"training again as {record.Path} records it (made by qnn {recorded!.QnnVersion}{(recorded.SourceCommit is { } commit ? $", commit {commit}" : "")}){(overridden.Count > 0 ? $"; given here: {string.Join(", ", overridden)}" : "")}");
            if ((train.Count, test.Count) != (recorded.Data.TrainSamples, recorded.Data.TestSamples))
                terminal.Error.WriteLine($"qnn: note: {record.Path} was trained on {recorded.Data.TrainSamples} train and {recorded.Data.TestSamples} test samples of {recorded.Data.DataSet} (from {recorded.Data.Source}); this {loaded.Name} has {train.Count} and {test.Count} (from {loaded.Source}): the results will differ");
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training {chosen.Name} on {loaded.Name} ({train.Count} train, {test.Count} test samples): {config.Epochs} epochs, batch {config.BatchSize}, lr {config.LearningRate}, weight decay {config.WeightDecay}, patience {(config.Patience is null ? "off" : config.Patience.Value)}{(config.ValidationSplit > 0 ? " on a validation split of " + config.ValidationSplit.ToString("0.###", CultureInfo.InvariantCulture) + " of the training set" : "")}{(config.Augmentation is { } augment ? ", images shifted up to " + augment.Value.MaxShift + " pixels and rotated up to " + augment.Value.MaxRotation.ToString(CultureInfo.InvariantCulture) + "°" : "")}, {runCount} run{(runCount > 1 ? "s" : "")}, seed {config.Seed}, {threadCount} threads"));
        var results = new List<RunResult>();
        torch.nn.Module<torch.Tensor, torch.Tensor>? best = null;
        RunResult? bestResult = null;
        new EpochProgress(terminal, runCount, config.Epochs).Track(progress =>
            Trainer.RepeatRuns(runCount, chosen.Create, config, train, test, progress.Epoch,
                keep: (network, result) =>
                {
                    progress.RunDone(result);
                    results.Add(result);
                    // A diverged run's weights are worth keeping only where its best epoch was restored.
                    var savable = !result.Diverged || (config.RestoreBest && result.BestEpoch >= 1);
                    if (!savable || (bestResult is not null && result.Accuracy <= bestResult.Accuracy))
                        return false;
                    best?.Dispose();
                    // Saved from the CPU, whatever device it trained on.
                    network.to(torch.CPU);
                    (best, bestResult) = (network, result);
                    return true;
                }));

        var provenance = Provenance.Of(config, loaded, train.Count, test.Count, threadCount);
        var summary = Summarize(chosen, loaded.Name, config, train, test, results, threadCount, provenance);
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
            // The saved model is one run: its record trains that run again, from its own seed.
            var runProvenance = provenance with { Training = Trainer.Configure(config, seed: bestResult!.Seed) };
            var info = new SavedModelInfo(chosen.Name, loaded.Name, loaded.ClassNames.ToArray(), bestResult.Accuracy,
                Training.evaluationBatchSize(config), dataOptions.SplitSeed, dataOptions.LabelColumn, DateTime.UtcNow.ToString("O"), runProvenance);
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
    private static void CheckMemory(Qnn.Models.DeclaredModel chosen, TrainConfig config)
    {
        var needed = global::Qnn.Spec.trainingBytes(chosen.Spec, config.BatchSize, Training.evaluationBatchSize(config));
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (needed > available)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"qnn train: {chosen.Name} at batch {config.BatchSize} needs at least {needed / (double)(1L << 30):F1} GiB to train and evaluate, more than this machine's {available / (double)(1L << 30):F1} GiB; a smaller --batch-size or a smaller model fits"));
    }

    /// <summary>The training configuration: <paramref name="baseline"/> (the defaults, or a
    /// record's) with each flag given on the command line in its place.</summary>
    private TrainConfig ReadConfig(ParseResult flags, Func<Option, bool> given, TrainConfig baseline)
    {
        T? Pick<T>(Option<T> option) where T : struct => given(option) ? flags.GetValue(option) : null;
        bool? OnOff(Option<string> option) => given(option) ? flags.IsOn(option) : null;
        var sgd = given(optimizer) ? flags.GetValue(optimizer) == "sgd" : baseline.Optimizer.IsSgdMomentum;
        if (!sgd && given(momentum))
            throw new UsageException("qnn train: --momentum applies to --optimizer sgd");
        var recordedMomentum = baseline.Optimizer is OptimizerKind.SgdMomentum kept ? kept.momentum : flags.GetValue(momentum);
        var stopAfter = Pick(patience);
        return Trainer.Configure(baseline,
            epochs: Pick(epochs),
            batchSize: Pick(batchSize),
            learningRate: Pick(learningRate),
            weightDecay: Pick(weightDecay),
            patience: stopAfter,
            seed: Pick(seed),
            optimizer: sgd ? OptimizerKind.NewSgdMomentum(given(momentum) ? flags.GetValue(momentum) : recordedMomentum) : OptimizerKind.Adam,
            cosineSchedule: Pick(cosine),
            stopOn: given(stopOn) ? (flags.GetValue(stopOn) == "train" ? StopMetric.TrainLoss : StopMetric.ValidationLoss) : null,
            restoreBest: OnOff(restoreBest),
            clipLatentWeights: OnOff(clipLatent),
            recalibrateBatchNorm: OnOff(bnRecalibrate),
            oneThreadForSmallModels: OnOff(oneThreadSmall),
            validationSplit: Pick(validationSplit),
            augmentShift: Pick(augmentShift),
            augmentRotation: Pick(augmentRotate),
            device: given(device) ? Devices.Resolve(flags.GetValue(device)!) : Devices.Resolve(baseline.Device));
    }

    private static TrainingSummary Summarize(Qnn.Models.DeclaredModel chosen, string dataSet, TrainConfig config, TensorDataset train, TensorDataset test, List<RunResult> results, int threads, Provenance provenance)
    {
        var repeat = Training.summarize(results.ToArray());
        return new TrainingSummary(chosen.Name, dataSet, results.Count, config.Epochs, train.Count, test.Count,
            repeat.Accuracies, repeat.Max, repeat.Mean, repeat.Std, TrainingSummary.MedianEpochSeconds(results),
            results.Select(r => r.History.Length).ToArray(), config.Seed, threads,
            System.Text.Json.Nodes.JsonNode.Parse(global::Qnn.Spec.toJson(chosen.Spec))!, provenance);
    }
}
