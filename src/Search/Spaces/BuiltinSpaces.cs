namespace Qnn.Search.Spaces;

/// <summary>The built-in spaces of the issue: <c>mlp</c>, the notebook authors' published NAS
/// space, and <c>cnn</c>, its convolutional counterpart with the MLP keys for the head. A space
/// file's missing keys take these values.</summary>
internal static class BuiltinSpaces
{
    private static readonly WeightChoice[] Weights = { WeightChoice.Binary, WeightChoice.Ternary, WeightChoice.NBits, WeightChoice.None };
    private static readonly Activation[] Activations = { Activation.None, Activation.Binarize, Activation.BinarizeReste, Activation.Relu };
    private static readonly double[] Dropout = { 0, 0.1, 0.2 };

    /// <summary>{ "kind": "mlp", "inputBits": {1..8}, "featureBits": false, "hiddenLayers": {0..3},
    /// "units": [6, 7, 8, 12, 16, 24, 32], "layerBits": {1..8}, "outputBits": {1..8}, "weights":
    /// [Binary, Ternary, NBits, None], "activation": [None, Binarize, BinarizeReste, Relu],
    /// "dropout": [0, 0.1, 0.2] }.</summary>
    public static SpaceDefinition Mlp { get; } = new(
        SpaceKeys.Mlp, new IntRange(1, 8), false, new IntRange(0, 3), new[] { 6, 7, 8, 12, 16, 24, 32 },
        null, null, null, null, null, null, null,
        new IntRange(1, 8), new IntRange(1, 8), Weights, Activations, Dropout, null, null, null);

    /// <summary>The MLP's head keys plus "convLayers": {1..4}, "channels": [16, 24, 32, 64, 128],
    /// "stride": {1..2}, "pool": [1, 2], "convBits": {1..8}, "fcLayers": {0..2}, "fcUnits": [8, 16,
    /// 32, 64, 128].</summary>
    public static SpaceDefinition Cnn { get; } = new(
        SpaceKeys.Cnn, new IntRange(1, 8), false, null, null,
        new IntRange(1, 4), new[] { 16, 24, 32, 64, 128 }, new IntRange(1, 2), new[] { 1, 2 }, new IntRange(1, 8),
        new IntRange(0, 2), new[] { 8, 16, 32, 64, 128 },
        new IntRange(1, 8), new IntRange(1, 8), Weights, Activations, Dropout, null, null, null);

    /// <summary>The built-in space of this name, or null.</summary>
    public static SpaceDefinition? Named(string name) => name switch
    {
        SpaceKeys.Mlp => Mlp,
        SpaceKeys.Cnn => Cnn,
        _ => null,
    };
}
