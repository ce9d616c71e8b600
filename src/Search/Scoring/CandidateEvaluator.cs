using TorchSharp;

namespace Qnn.Search.Scoring;

/// <summary>
/// Trains a candidate spec once per fold and returns each fold's test accuracy. The fold tensors
/// are gathered once and shared, read-only, by every worker thread; each training builds, trains
/// and disposes its own network inside the core's dispose scopes. A diverged training is a
/// <see cref="CandidateFailedException"/>.
/// </summary>
public sealed class CandidateEvaluator : IDisposable
{
    private readonly List<(TensorDataset Train, TensorDataset Test)> folds = new();
    private readonly EvaluationSettings settings;

    /// <summary>The evaluator over a data set's split; see <see cref="EvaluationSettings"/>.</summary>
    public CandidateEvaluator(TensorDataset train, TensorDataset test, EvaluationSettings settings)
    {
        this.settings = settings;
        if (settings.Folds == 1)
        {
            folds.Add((Keep(train), Keep(test)));
            return;
        }
        using var scope = torch.NewDisposeScope();
        var features = torch.cat(new[] { train.Features, test.Features }, 0);
        var labels = torch.cat(new[] { train.Labels, test.Labels }, 0);
        var split = StratifiedFolds.Split(labels.data<long>().ToArray(), settings.Folds, settings.Training.Seed);
        for (var f = 0; f < split.Length; f++)
        {
            var testRows = torch.tensor(split[f]);
            var trainRows = torch.tensor(split.Where((_, g) => g != f).SelectMany(r => r).Order().ToArray());
            folds.Add((Gather(features, labels, trainRows), Gather(features, labels, testRows)));
        }
    }

    /// <summary>Each fold's test accuracy in [0, 1]. <paramref name="epochDone"/> runs after every
    /// epoch of every fold (workers heartbeat there).</summary>
    public double[] Evaluate(ModelSpec spec, Action? epochDone = null)
    {
        var accuracies = new double[folds.Count];
        for (var f = 0; f < folds.Count; f++)
        {
            var config = Trainer.Configure(settings.Training, seed: settings.Training.Seed + f);
            var (network, result) = Training.seededRun(
                Microsoft.FSharp.Core.FuncConvert.FromFunc<torch.nn.Module<torch.Tensor, torch.Tensor>>(() => Spec.build(spec)),
                config, folds[f].Train, folds[f].Test, f, Microsoft.FSharp.Core.FuncConvert.FromAction<EpochRecord>(_ => epochDone?.Invoke())).ToValueTuple();
            network.Dispose();
            if (result.Diverged)
                throw new CandidateFailedException($"fold {f + 1} diverged at epoch {result.DivergedAtEpoch.Value}");
            accuracies[f] = result.Accuracy;
        }
        return accuracies;
    }

    private static TensorDataset Keep(TensorDataset data) =>
        new(data.Features.alias().DetachFromDisposeScope(), data.Labels.alias().DetachFromDisposeScope());

    private static TensorDataset Gather(torch.Tensor features, torch.Tensor labels, torch.Tensor rows) =>
        new(features.index_select(0, rows).DetachFromDisposeScope(), labels.index_select(0, rows).DetachFromDisposeScope());

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (train, test) in folds)
        {
            train.Features.Dispose();
            train.Labels.Dispose();
            test.Features.Dispose();
            test.Labels.Dispose();
        }
        folds.Clear();
    }
}
