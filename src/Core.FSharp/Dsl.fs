/// The vocabulary of the declaration DSL: enums shared by the attributes, the specs and the
/// layers, and the attributes a C# user puts on a `partial` class (see docs/dsl.md). The source
/// generator matches the attributes by metadata name; the runtime reads the same enums.
namespace Qnn

open System

/// How a layer's latent float weights are quantized in the forward pass.
type WeightQuant =
    /// Float weights (a baseline layer).
    | None = 0
    /// Symmetric per-output-channel n-bit integers; needs `Bits` (2..31).
    | NBits = 1
    /// Sign of the weight, {-1, +1}; `Scaled` multiplies by α = mean|W| per output channel.
    | Binary = 2
    /// TWN ternary weights α·{-1, 0, +1} per output channel.
    | Ternary = 3

/// Whether quantizers sample (stochastic) or round (deterministic) while training.
/// Evaluation is always deterministic, so accuracy does not depend on a random draw.
type QMode =
    | Deterministic = 0
    | Stochastic = 1

/// The activation after each hidden layer's BatchNorm.
type Activation =
    /// No activation (identity).
    | None = 0
    | Relu = 1
    /// sign(x) ∈ {-1, +1}, clipped STE.
    | Binarize = 2
    /// sign(x), ReSTE estimator with the model's o and threshold.
    | BinarizeReste = 3
    /// sign(x), Bi-Real Net ApproxSign gradient 2 - 2|x|.
    | BinarizeApprox = 4
    /// sign(x), BNN+ SwishSign gradient with the model's β.
    | BinarizeSwish = 5
    /// {-1, 0, +1} with the model's ternary threshold, clipped STE.
    | Ternarize = 6
    /// DoReFa k-bit activation with `ActivationBits = k`.
    | NBits = 7

/// The DSL's defaults, in one place: the attributes' property initialisers, `SpecDefaults` and
/// the JSON reader all read them. (The source generator, a netstandard2.0 assembly that cannot
/// load this one, keeps a copy that a consistency test compares with this module.)
[<RequireQualifiedAccess>]
module DslDefaults =
    [<Literal>]
    let Activation = Activation.Binarize
    [<Literal>]
    let QMode = QMode.Deterministic
    [<Literal>]
    let Dropout = 0.0
    [<Literal>]
    let ResteO = 3.0
    [<Literal>]
    let ResteThreshold = 1.5
    [<Literal>]
    let SwishBeta = 5.0
    [<Literal>]
    let TernaryThreshold = 0.5
    /// Bits per feature of an MLP's input.
    [<Literal>]
    let InputBits = 32
    /// Bits per pixel of a CNN's input.
    [<Literal>]
    let ImageBits = 8
    [<Literal>]
    let ImageChannels = 1
    [<Literal>]
    let WeightQuant = WeightQuant.None
    [<Literal>]
    let Scaled = false
    [<Literal>]
    let Kernel = 3
    [<Literal>]
    let Stride = 1
    [<Literal>]
    let Padding = 0
    [<Literal>]
    let Dilation = 1
    [<Literal>]
    let Groups = 1
    /// Max-pool window; 1 is no pooling.
    [<Literal>]
    let Pool = 1

/// The model-wide settings both model attributes take.
[<AbstractClass>]
type QuantizedModelAttribute() =
    inherit Attribute()
    /// The activation after each hidden layer's BatchNorm (a layer may override it).
    member val Activation = DslDefaults.Activation with get, set
    /// DoReFa width for `Activation.NBits` (1..31); 0 here stands for "not set".
    member val ActivationBits = 0 with get, set
    member val QMode = DslDefaults.QMode with get, set
    /// Dropout after each hidden Dense layer's BatchNorm, in [0, 1).
    member val Dropout = DslDefaults.Dropout with get, set
    /// ReSTE's o (>= 1) and threshold t (> 0).
    member val ResteO = DslDefaults.ResteO with get, set
    member val ResteThreshold = DslDefaults.ResteThreshold with get, set
    /// SwishSign's β (> 0).
    member val SwishBeta = DslDefaults.SwishBeta with get, set
    /// Ternarize's threshold (> 0).
    member val TernaryThreshold = DslDefaults.TernaryThreshold with get, set

/// Declares a quantized multi-layer perceptron: `Input`, then `Dense` layers in source order.
[<AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)>]
[<Sealed>]
type QuantizedMlpAttribute() =
    inherit QuantizedModelAttribute()

/// Declares a quantized CNN: `ImageInput`, `Conv` blocks, then `Dense` layers in source order.
[<AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)>]
[<Sealed>]
type QuantizedCnnAttribute() =
    inherit QuantizedModelAttribute()

/// The input of an MLP: `features` values quantized to `Bits` each, or per feature with
/// `FeatureBits` (one width per feature).
[<AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)>]
[<Sealed>]
type InputAttribute(features: int) =
    inherit Attribute()
    member _.Features = features
    member val Bits = DslDefaults.InputBits with get, set
    member val FeatureBits: int[] = null with get, set

/// The input of a CNN: images of Channels × Height × Width quantized to `Bits`.
[<AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)>]
[<Sealed>]
type ImageInputAttribute() =
    inherit Attribute()
    member val Channels = DslDefaults.ImageChannels with get, set
    member val Height = 0 with get, set
    member val Width = 0 with get, set
    member val Bits = DslDefaults.ImageBits with get, set

/// A fully connected layer. The last `Dense` is the output layer and has no activation.
[<AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)>]
[<Sealed>]
type DenseAttribute(units: int) =
    inherit Attribute()
    member _.Units = units
    member val Weights = DslDefaults.WeightQuant with get, set
    /// Width of NBits weights; 0 here stands for "not set".
    member val Bits = 0 with get, set
    member val Scaled = DslDefaults.Scaled with get, set
    /// Overrides the model's activation for this layer.
    member val Activation = Activation.None with get, set
    member val ActivationBits = 0 with get, set

/// A convolution block: QuantConv2d → BatchNorm2d → activation → MaxPool(Pool).
[<AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)>]
[<Sealed>]
type ConvAttribute(channels: int) =
    inherit Attribute()
    member _.Channels = channels
    member val Kernel = DslDefaults.Kernel with get, set
    member val Stride = DslDefaults.Stride with get, set
    member val Padding = DslDefaults.Padding with get, set
    member val Dilation = DslDefaults.Dilation with get, set
    member val Groups = DslDefaults.Groups with get, set
    /// Max-pool window and stride after the activation; 1 means no pooling.
    member val Pool = DslDefaults.Pool with get, set
    member val Weights = DslDefaults.WeightQuant with get, set
    member val Bits = 0 with get, set
    member val Scaled = DslDefaults.Scaled with get, set
    member val Activation = Activation.None with get, set
    member val ActivationBits = 0 with get, set
