namespace Qnn.Search.Scoring;

/// <summary>How each candidate is trained and scored: <paramref name="Folds"/> ≥ 2 is stratified
/// k-fold cross-validation over every row (training and test split together), 1 the data set's
/// fixed train/test split; the training settings are the same for every candidate (they are not
/// genes), and fold f trains from seed <paramref name="Seed"/> + f, on <paramref name="Device"/>
/// (the CPU when null; a hardware choice, not one of the study's settings).</summary>
public sealed record EvaluationSettings(int Folds, int Epochs, int BatchSize, double LearningRate, double WeightDecay, int Seed, TorchSharp.torch.Device? Device = null);
