namespace Qnn;

/// <summary>The kinds of stage a network is made of. An image input may be downscaled (an
/// average over Downscale × Downscale windows) before the first block. A conv block runs Conv → BatchNorm →
/// Activation → MaxPool; a dense layer runs (Flatten) → Dense → BatchNorm → Dropout → Activation.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
enum StageKind
{
    Input = 0,
    Conv = 1,
    BatchNorm = 2,
    Activation = 3,
    MaxPool = 4,
    Flatten = 5,
    Dense = 6,
    Dropout = 7,
    /// <summary>The input image averaged over Downscale × Downscale windows (an input option).</summary>
    Downscale = 8,
}
