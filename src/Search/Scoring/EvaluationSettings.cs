namespace Qnn.Search.Scoring;

/// <summary>How each candidate is trained and scored: <paramref name="Folds"/> ≥ 2 is stratified
/// k-fold cross-validation over every row (training and test split together), 1 the data set's
/// fixed train/test split. Every candidate trains with <paramref name="Training"/> (training
/// settings are not genes); fold f from its seed + f, and the folds are drawn with its seed.</summary>
public sealed record EvaluationSettings(int Folds, TrainConfig Training)
{
    /// <summary>The search's training defaults: the core's, except that a candidate trains on the
    /// threads the search gives it (workers share them out) rather than switching to one.</summary>
    public static TrainConfig DefaultTraining(int epochs, int batchSize, double learningRate, double weightDecay, int seed, TorchSharp.torch.Device? device = null) =>
        Trainer.Configure(TrainConfig.Default, epochs: epochs, batchSize: batchSize, learningRate: learningRate, weightDecay: weightDecay,
            seed: seed, oneThreadForSmallModels: false, device: device ?? TorchSharp.torch.CPU);
}
