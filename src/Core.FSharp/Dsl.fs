/// The attributes a C# user puts on a `partial` class (see docs/dsl.md). Their vocabulary (the
/// enums `WeightQuant`, `QMode`, `Activation` and `DslDefaults`) is the rule book's, in
/// src/Rules/Vocabulary, which the generator compiles too; the generator matches these attributes
/// by metadata name.
namespace Qnn

open System

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
    /// Averages the quantized image over Downscale × Downscale windows before the first layer
    /// (1: none; 2 turns a 28 × 28 digit into 14 × 14).
    member val Downscale = 1 with get, set

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
