using System.Collections.Generic;

namespace Qnn.Rules;

/// <summary>
/// A model as the rules see it, whether a C# declaration (the generator reads one from attributes)
/// or a spec (the core's <c>ModelSpec</c>): its name and kind, the C# class where there is one,
/// every model and input attribute (a spec has exactly one of each), the model-wide settings and
/// the layers in order. Values are as declared, valid or not; the rules say what is wrong.
/// </summary>
#if QNN_GENERATOR
internal
#else
public
#endif
sealed record ModelFacts(
    string Name,
    bool IsCnn,
    ClassFacts? Class,
    IReadOnlyList<string> ModelAttributes,
    IReadOnlyList<InputFacts> Inputs,
    SettingsFacts Settings,
    IReadOnlyList<LayerFacts> Layers);

/// <summary>The C# facts of a model class: partial, generic, a base class, and the types it is nested in.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
sealed record ClassFacts(bool IsPartial, bool IsGeneric, bool HasBaseClass, IReadOnlyList<OuterTypeFacts> ContainingTypes);

/// <summary>A type a model class is nested in.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
sealed record OuterTypeFacts(string Name, bool IsPartial, bool IsGeneric);

/// <summary>An input attribute: <c>[Input(features)]</c> (an MLP's, optionally with one width per
/// feature) or <c>[ImageInput]</c> (a CNN's).</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
sealed record InputFacts(bool IsImage, int Features, int Bits, IReadOnlyList<int>? FeatureBits, int Channels, int Height, int Width, int Downscale = 1)
{
    public static InputFacts OfFeatures(int features, int bits, IReadOnlyList<int>? featureBits) => new(false, features, bits, featureBits, 0, 0, 0);

    /// <summary>An image input; <paramref name="downscale"/> averages it over downscale × downscale windows (1: none).</summary>
    public static InputFacts OfImage(int channels, int height, int width, int bits, int downscale = 1) => new(true, 0, bits, null, channels, height, width, downscale);

    /// <summary>The attribute's name as messages write it.</summary>
    public string AttributeName => IsImage ? "ImageInput" : "Input";
}

/// <summary>The model-wide settings of the model attribute (or spec).</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
sealed record SettingsFacts(
    Activation Activation,
    int? ActivationBits,
    QMode QMode,
    double Dropout,
    double ResteO,
    double ResteThreshold,
    double SwishBeta,
    double TernaryThreshold);

/// <summary>A Dense or Conv layer as declared: the size (units or channels), a convolution's
/// geometry (defaults on a Dense), the weights, and the layer's own activation where it sets one.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
sealed record LayerFacts(
    bool IsConv,
    int Size,
    int Kernel,
    int Stride,
    int Padding,
    int Dilation,
    int Groups,
    int Pool,
    WeightQuant Weights,
    int? Bits,
    bool Scaled,
    Activation? Activation,
    int? ActivationBits)
{
    /// <summary>A Dense layer (the convolution fields at their defaults).</summary>
    public static LayerFacts Dense(int units, WeightQuant weights, int? bits, bool scaled, Activation? activation, int? activationBits) =>
        new(false, units, DslDefaults.Kernel, DslDefaults.Stride, DslDefaults.Padding, DslDefaults.Dilation, DslDefaults.Groups,
            DslDefaults.Pool, weights, bits, scaled, activation, activationBits);

    /// <summary>The layer's kind as messages and declarations name it.</summary>
    public string KindName => IsConv ? "Conv" : "Dense";
}
