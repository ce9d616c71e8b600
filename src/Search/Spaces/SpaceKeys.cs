namespace Qnn.Search.Spaces;

/// <summary>The keys of a search space's JSON, and which kind takes which, in canonical order.</summary>
internal static class SpaceKeys
{
    public const string Mlp = "mlp";
    public const string Cnn = "cnn";

    public const string Kind = "kind";
    public const string InputBits = "inputBits";
    public const string FeatureBits = "featureBits";
    public const string HiddenLayers = "hiddenLayers";
    public const string Units = "units";
    public const string ConvLayers = "convLayers";
    public const string Channels = "channels";
    public const string Stride = "stride";
    public const string Pool = "pool";
    public const string ConvBits = "convBits";
    public const string FcLayers = "fcLayers";
    public const string FcUnits = "fcUnits";
    public const string LayerBits = "layerBits";
    public const string OutputBits = "outputBits";
    public const string Weights = "weights";
    public const string Activation = "activation";
    public const string Dropout = "dropout";
    public const string ActivationBits = "activationBits";
    public const string ResteO = "resteO";
    public const string ResteThreshold = "resteThreshold";
    public const string Separable = "separable";
    public const string Downscale = "downscale";

    /// <summary>The keys an MLP space takes.</summary>
    public static readonly string[] OfMlp =
    {
        Kind, InputBits, FeatureBits, HiddenLayers, Units, LayerBits, OutputBits, Weights, Activation, Dropout,
        ActivationBits, ResteO, ResteThreshold,
    };

    /// <summary>The keys a CNN space takes: its conv keys and the MLP's keys for the head, whose
    /// hidden layers are <c>fcLayers</c> of <c>fcUnits</c> (an image has no per-feature widths).</summary>
    public static readonly string[] OfCnn =
    {
        Kind, InputBits, ConvLayers, Channels, Stride, Pool, ConvBits, FcLayers, FcUnits, LayerBits, OutputBits, Weights,
        Activation, Dropout, ActivationBits, ResteO, ResteThreshold, Separable, Downscale,
    };

    /// <summary>The most hidden, conv or fc layers a space may offer: enough for any search here,
    /// and a bound that keeps genomes short.</summary>
    public const int MaxLayers = 32;

    /// <summary>The widest input: the core's input widths are 1..32.</summary>
    public const int MaxInputBits = 32;

    /// <summary>The widest weights and DoReFa activations: the core's NBits take 2..31 (1 here means binary).</summary>
    public const int MaxBits = 31;
}
