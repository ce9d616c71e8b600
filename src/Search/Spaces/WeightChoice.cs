namespace Qnn.Search.Spaces;

/// <summary>A weight mode a space offers: the core's <c>WeightQuant</c> modes plus scaled binary
/// (binary with α = mean|W| per output channel). NBits takes its width from the layer's bits gene,
/// where 1 bit means binary weights.</summary>
internal enum WeightChoice
{
    Binary,
    ScaledBinary,
    Ternary,
    NBits,
    None,
}
