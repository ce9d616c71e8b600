namespace Qnn.Search.Spaces;

/// <summary>A parsed, validated search space: every key's range or choices. Keys of the other kind
/// are null (an MLP space has no conv keys, a CNN space no <c>hiddenLayers</c>/<c>units</c>/
/// <c>featureBits</c>); the optional extras (<c>activationBits</c>, <c>resteO</c>,
/// <c>resteThreshold</c>, and a CNN's <c>separable</c> and <c>downscale</c>) are null where the space leaves them out.</summary>
internal sealed record SpaceDefinition(
    string Kind,
    IntRange InputBits,
    bool FeatureBits,
    IntRange? HiddenLayers,
    int[]? Units,
    IntRange? ConvLayers,
    int[]? Channels,
    IntRange? Stride,
    int[]? Pool,
    IntRange? ConvBits,
    IntRange? FcLayers,
    int[]? FcUnits,
    IntRange LayerBits,
    IntRange OutputBits,
    WeightChoice[] Weights,
    Activation[] Activations,
    double[] Dropout,
    IntRange? ActivationBits,
    double[]? ResteO,
    double[]? ResteThreshold,
    bool[]? Separable = null,
    int[]? Downscale = null)
{
    /// <summary>Whether this is a CNN space.</summary>
    public bool IsCnn => Kind == SpaceKeys.Cnn;

    /// <summary>The dense hidden-layer count range: <c>hiddenLayers</c> (MLP) or <c>fcLayers</c> (CNN).</summary>
    public IntRange DenseLayers => (IsCnn ? FcLayers : HiddenLayers)!;

    /// <summary>The dense hidden-layer widths: <c>units</c> (MLP) or <c>fcUnits</c> (CNN).</summary>
    public int[] DenseUnits => (IsCnn ? FcUnits : Units)!;

    /// <summary>Whether any gene can pick NBits weights (so a layer needs its bits gene).</summary>
    public bool HasNBitsWeights => Weights.Contains(WeightChoice.NBits);

    /// <summary>Whether any gene can pick the DoReFa activation (so a layer needs its width gene).</summary>
    public bool HasNBitsActivation => Activations.Contains(Activation.NBits);
}
