namespace Qnn.Search.Costs;

/// <summary>The cost a search minimizes (<c>--cost</c>); every trial records all of them (the
/// device costs where the search has a <c>--target</c>).</summary>
public enum CostModel
{
    /// <summary>The notebook authors' printed-electronics estimate (see <see cref="ComplexityCost"/>).</summary>
    Complexity = 0,
    /// <summary>MACs weighted by their operands' bit-widths (see <see cref="BitopsCost"/>).</summary>
    Bitops = 1,
    /// <summary>The bytes of the engine's file (see <see cref="BytesCost"/>).</summary>
    Bytes = 2,
    /// <summary>The flash bytes of the candidate's C on the target (see <see cref="SpecDeviceCost"/>).</summary>
    Flash = 3,
    /// <summary>The RAM bytes (static + stack) of the candidate's C on the target.</summary>
    Ram = 4,
    /// <summary>The instructions one prediction executes on the target.</summary>
    Instructions = 5,
}
