namespace Qnn.Host.Data;

/// <summary>How a table (vertebral, csv:PATH) was split into training and test rows; image data sets
/// keep their files' own split and have none.</summary>
public sealed record TableSplit(uint Seed, double TestFraction, string? LabelColumn);
