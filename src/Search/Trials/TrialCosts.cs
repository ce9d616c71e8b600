namespace Qnn.Search.Trials;

/// <summary>A candidate's cost in every cost model (see <c>Costs/CostModels.cs</c>): the
/// printed-electronics complexity estimate, bit-operations, the engine's bytes, and where the
/// search has a device target (<c>--target</c>) the flash and RAM bytes and instructions per
/// prediction of the candidate's C on it (<c>Costs/DeviceCost.cs</c>); null without one.</summary>
public sealed record TrialCosts(double Complexity, double Bitops, double Bytes, double? Flash = null, double? Ram = null, double? Instructions = null);
