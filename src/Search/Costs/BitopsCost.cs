namespace Qnn.Search.Costs;

/// <summary>
/// Bit-operations: every multiply-accumulate weighted by the bit-widths of its two operands,
/// from the core's <c>Spec.cost</c> (per layer: its MACs, its weight precision and the precision
/// of its input):
/// <code>B = Σ_l MACs_l · bits(w_l) · bits(x_l)</code>
/// with bits = 1 for binary (scaled or not: the scale is one multiply per output, not per MAC),
/// 2 for ternary, n for n-bit and 32 for float (and for inputs wider than 24 bits, which stay
/// float). A binary×binary MAC (XNOR–popcount) costs 1, a float one 1024.
/// </summary>
public static class BitopsCost
{
    /// <summary>The bit-operations of a valid spec.</summary>
    public static double Of(ModelSpec spec) =>
        Qnn.Spec.cost(spec).Layers.Sum(l => (double)l.Macs.Total * Bits(l.WeightPrecision) * Bits(l.InputPrecision));

    /// <summary>The width of an operand of this precision.</summary>
    public static int Bits(Cost.Precision precision) => precision switch
    {
        { IsBinary: true } => 1,
        { IsTernary: true } => 2,
        Cost.Precision.Bits b => b.Item,
        _ => 32,
    };
}
