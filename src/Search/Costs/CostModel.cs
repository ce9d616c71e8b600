namespace Qnn.Search.Costs;

/// <summary>The cost a search minimizes (<c>--cost</c>); every trial records all three.</summary>
public enum CostModel
{
    /// <summary>The notebook authors' printed-electronics estimate (see <see cref="ComplexityCost"/>).</summary>
    Complexity = 0,
    /// <summary>MACs weighted by their operands' bit-widths (see <see cref="BitopsCost"/>).</summary>
    Bitops = 1,
    /// <summary>The bytes of the engine's file (see <see cref="BytesCost"/>).</summary>
    Bytes = 2,
}
