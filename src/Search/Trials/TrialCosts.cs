namespace Qnn.Search.Trials;

/// <summary>A candidate's cost in every cost model (see <c>Costs/CostModels.cs</c>): the
/// printed-electronics complexity estimate, bit-operations, and the engine's bytes.</summary>
public sealed record TrialCosts(double Complexity, double Bitops, double Bytes);
