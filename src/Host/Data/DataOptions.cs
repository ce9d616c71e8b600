namespace Qnn.Host.Data;

/// <summary>How data sets are found and read: the flags of the train, eval and datasets commands.</summary>
public sealed record DataOptions(
    string? DataDir = null,
    bool Offline = false,
    string? LabelColumn = null,
    uint SplitSeed = 42,
    double TestFraction = 0.2);
