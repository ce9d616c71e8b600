namespace Qnn.Host.Persistence;

/// <summary>What a saved model remembers besides its weights: enough to evaluate it on the same
/// split, and how it was trained (<see cref="Provenance"/>, null in files saved before records;
/// its seed is the saved run's own).</summary>
public sealed record SavedModelInfo(
    string Model,
    string DataSet,
    string[] ClassNames,
    double Accuracy,
    int EvaluationBatchSize,
    uint SplitSeed,
    string? LabelColumn,
    string SavedAt,
    Provenance? Provenance = null);
