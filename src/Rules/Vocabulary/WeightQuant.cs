namespace Qnn;

/// <summary>How a layer's latent float weights are quantized in the forward pass.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
enum WeightQuant
{
    /// <summary>Float weights (a baseline layer).</summary>
    None = 0,
    /// <summary>Symmetric per-output-channel n-bit integers; needs <c>Bits</c> (2..31).</summary>
    NBits = 1,
    /// <summary>Sign of the weight, {-1, +1}; <c>Scaled</c> multiplies by α = mean|W| per output channel.</summary>
    Binary = 2,
    /// <summary>TWN ternary weights α·{-1, 0, +1} per output channel.</summary>
    Ternary = 3,
}
