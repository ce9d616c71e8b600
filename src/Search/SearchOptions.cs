using Qnn.Export.Device;
using Qnn.Search.Costs;

namespace Qnn.Search;

/// <summary>What a search optimizes and how long: <paramref name="Trials"/> is the study's budget
/// of finished trials across all workers and restarts; <paramref name="Workers"/> candidates train
/// at once in this process; accuracy is maximized and the cost in <paramref name="Cost"/>
/// minimized, under the optional constraints <paramref name="MinAccuracy"/> (a fraction) and
/// <paramref name="MaxCost"/>. With a device <paramref name="Target"/> every trial records its
/// flash, RAM and instructions there, and a candidate over <paramref name="MaxFlash"/> or
/// <paramref name="MaxRam"/> (bytes) is not trained.</summary>
public sealed record SearchOptions(int Trials, int Workers, CostModel Cost, double? MinAccuracy, double? MaxCost, int Seed,
    DeviceTarget? Target = null, long? MaxFlash = null, long? MaxRam = null);
