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
    public static readonly IReadOnlyDictionary<string, bool> Flags = new Dictionary<string, bool>
    {
        ["model"] = true, ["dataset"] = true, ["epochs"] = true, ["batch-size"] = true, ["lr"] = true,
        ["weight-decay"] = true, ["patience"] = true, ["runs"] = true, ["seed"] = true, ["threads"] = true,
        ["save"] = true, ["json"] = true, ["plot"] = true, ["data-dir"] = true, ["offline"] = false,
        ["optimizer"] = true, ["momentum"] = true, ["cosine"] = false, ["stop-on"] = true, ["restore-best"] = true,
        ["label-column"] = true, ["split-seed"] = true, ["clip-latent"] = true, ["bn-recalibrate"] = true, ["one-thread-small"] = true,
    };

    public const string Usage = """
        qnn train [--model NAME|FILE] [--dataset NAME] [--epochs N] [--batch-size N] [--lr X]
                  [--weight-decay X] [--patience N] [--runs N] [--seed N] [--threads N] [--save FILE]
                  [--json FILE] [--plot FILE.png] [--data-dir DIR] [--offline]
                  [--optimizer adam|sgd] [--momentum X] [--cosine] [--stop-on val|train] [--restore-best on|off]
                  [--label-column N|NAME] [--split-seed N] [--clip-latent on|off]
                  [--bn-recalibrate on|off] [--one-thread-small on|off]
          Defaults: VertebralMlp on vertebral, 15 epochs, batch 32, lr 0.01, weight decay 1e-4,
          patience 10 (0 turns early stopping off), best epoch's weights restored, BatchNorm statistics
          re-estimated on the training set at the end, 1 run, seed 42, Adam.
          The test split doubles as the validation set, as in the seed notebook. --threads caps
          torch's threads; a model without convolutions whose batch × widest layer is below 32,768
          trains on one thread (threads cost more than they give there) unless --one-thread-small off.
        """;

    public int Run(IReadOnlyList<string> args)
    {
        var flags = CommandLine.Parse("train", args, Flags);
        var threads = Threads.Apply(flags);
        var model = ModelCatalog.Resolve(flags.String("model", "VertebralMlp"));
        var config = ReadConfig(flags);
        var runs = flags.Int("runs", 1, 1);
        var dataOptions = new DataOptions(flags.String("data-dir"), flags.Has("offline"), flags.String("label-column"),
            (uint)flags.Int("split-seed", 42, 0));
        var dataSetName = flags.String("dataset", model.DefaultDataSet);
        var data = dataSets(dataOptions).Load(dataSetName);
        var (train, test) = ModelData.Fit(model.Spec, model.Name, data);

        var output = terminal.Out;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training {model.Name} on {data.Name} ({train.Count} train, {test.Count} test samples): {config.Epochs} epochs, batch {config.BatchSize}, lr {config.LearningRate}, weight decay {config.WeightDecay}, patience {(config.Patience is null ? "off" : config.Patience.Value)}, {runs} run{(runs > 1 ? "s" : "")}, seed {config.Seed}, {threads} threads"));
        var progress = new EpochProgress(output, terminal.Interactive, runs, config.Epochs);
        var results = new List<RunResult>();
        torch.nn.Module<torch.Tensor, torch.Tensor>? best = null;
        RunResult? bestResult = null;
        for (var run = 0; run < runs; run++)
        {
            var runConfig = Trainer.Configure(config, seed: config.Seed + run);
            torch.manual_seed(runConfig.Seed);
            var network = model.Create();
            var result = Training.fit(network, runConfig, train, test, run, Microsoft.FSharp.Core.FuncConvert.FromAction<EpochRecord>(progress.Epoch));
            progress.RunDone(result);
            results.Add(result);
            if (bestResult is null || result.Accuracy > bestResult.Accuracy)
            {
                best?.Dispose();
                (best, bestResult) = (network, result);
            }
            else
            {
                network.Dispose();
            }
        }

        var summary = Summarize(model.Name, data.Name, config, train, test, results, threads);
        summary.WriteText(output);
        if (flags.String("json") is { } json)
        {
            summary.WriteJson(json);
            output.WriteLine($"wrote {json}");
        }
        if (flags.String("plot") is { } plot)
        {
            CurvePlot.Save(plot, $"{model.Name} on {data.Name}", results);
            output.WriteLine($"wrote {plot}");
        }
        if (flags.String("save") is { } save)
        {
            var info = new SavedModelInfo(model.Name, data.Name, data.ClassNames.ToArray(), bestResult!.Accuracy,
                Math.Max(config.BatchSize, 256), dataOptions.SplitSeed, dataOptions.LabelColumn, DateTime.UtcNow.ToString("O"));
            SavedModel.Save(save, best!, model.Spec, info);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"saved run {bestResult.Run + 1} (accuracy {bestResult.Accuracy * 100:F2}%) to {save}"));
        }
        best?.Dispose();
        return ExitCodes.Success;
    }

    private static TrainConfig ReadConfig(CommandLine flags)
    {
        var defaults = TrainConfig.Default;
        var patience = flags.Int("patience", defaults.Patience!.Value, 0);
        var optimizer = flags.Choice("optimizer", "adam", "adam", "sgd") == "sgd"
            ? OptimizerKind.NewSgdMomentum(flags.Number("momentum", 0.9, positive: false))
            : OptimizerKind.Adam;
        if (flags.Has("momentum") && optimizer.IsAdam)
            throw new UsageException("qnn train: --momentum applies to --optimizer sgd");
        return new TrainConfig(
            flags.Int("epochs", defaults.Epochs, 1),
            flags.Int("batch-size", defaults.BatchSize, 2),
            flags.Number("lr", defaults.LearningRate, positive: true),
            flags.Number("weight-decay", defaults.WeightDecay, positive: false),
            optimizer,
            flags.Has("cosine"),
            patience == 0 ? null : patience,
            flags.Choice("stop-on", "val", "val", "train") == "train" ? StopMetric.TrainLoss : StopMetric.ValidationLoss,
            flags.Choice("restore-best", defaults.RestoreBest ? "on" : "off", "on", "off") == "on",
            flags.Int("seed", defaults.Seed, 0),
            flags.Choice("clip-latent", defaults.ClipLatentWeights ? "on" : "off", "on", "off") == "on",
            flags.Choice("bn-recalibrate", defaults.RecalibrateBatchNorm ? "on" : "off", "on", "off") == "on",
            flags.Choice("one-thread-small", defaults.OneThreadForSmallModels ? "on" : "off", "on", "off") == "on");
    }

    private static TrainingSummary Summarize(string model, string dataSet, TrainConfig config, TensorDataset train, TensorDataset test, List<RunResult> results, int threads)
    {
        var repeat = Training.summarize(results.ToArray());
        return new TrainingSummary(model, dataSet, results.Count, config.Epochs, train.Count, test.Count,
            repeat.Accuracies, repeat.Max, repeat.Mean, repeat.Std, TrainingSummary.MedianEpochSeconds(results),
            results.Select(r => r.History.Length).ToArray(), config.Seed, threads);
    }
}
