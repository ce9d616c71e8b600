/// A model as plain data: what a declaration says, whether or not it is valid. `Spec.validate`
/// says what is wrong with one; the generator builds these from attributes, the host reads them
/// from JSON. Optional fields are `None` where the declaration left them out.
namespace Qnn

open System
open System.Runtime.InteropServices

/// The input of an MLP: `Count` features, each quantized to `Bits` or to its own width.
type FeatureInputSpec =
    { Count: int
      Bits: int
      FeatureBits: int[] option }

/// The input of a CNN: images quantized to `Bits` per pixel (one range for the whole tensor),
/// then averaged over `Downscale` × `Downscale` windows (1: not downscaled; a 28 × 28 digit at 2
/// is 14 × 14) before the first layer.
type ImageInputSpec =
    { Channels: int
      Height: int
      Width: int
      Bits: int
      Downscale: int }

type InputSpec =
    | Features of FeatureInputSpec
    | Image of ImageInputSpec

/// A weight quantizer as declared: the mode, `Bits` for NBits, `Scaled` for Binary.
type WeightSpec =
    { Mode: WeightQuant
      Bits: int option
      Scaled: bool }

type DenseSpec =
    { Units: int
      Weights: WeightSpec
      /// Overrides the model-wide activation; ignored (with warning QNN012) on the output layer.
      Activation: Activation option
      ActivationBits: int option }

type ConvSpec =
    { Channels: int
      Kernel: int
      Stride: int
      Padding: int
      Dilation: int
      Groups: int
      /// Max-pool window and stride; 1 is no pooling.
      Pool: int
      Weights: WeightSpec
      Activation: Activation option
      ActivationBits: int option }

type LayerSpec =
    | Dense of DenseSpec
    | Conv of ConvSpec

type ModelKind =
    | Mlp = 0
    | Cnn = 1

/// A whole model. Layers apply in order; the last `Dense` is the output layer.
type ModelSpec =
    { Name: string
      Kind: ModelKind
      Input: InputSpec
      Layers: LayerSpec[]
      Activation: Activation
      ActivationBits: int option
      QMode: QMode
      Dropout: float
      ResteO: float
      ResteThreshold: float
      SwishBeta: float
      TernaryThreshold: float }

/// A broken rule. Codes are the stable ones of docs/diagnostics; `Path` names the field at fault
/// (`layers[2].Bits`), `Message` says the value and the rule.
type SpecDiagnostic =
    { Code: string
      IsError: bool
      Path: string
      Message: string }

/// Convenience constructors with the DSL's defaults, for F# and C# callers alike (optional
/// arguments left out take the DSL's defaults; an absent Nullable is an absent option).
[<AbstractClass; Sealed>]
type SpecDefaults =
    static member private Option(value: Nullable<'T>) = if value.HasValue then Some value.Value else None

    static member Weights
        (
            mode: WeightQuant,
            [<Optional; DefaultParameterValue(Nullable<int>())>] bits: Nullable<int>,
            [<Optional; DefaultParameterValue(DslDefaults.Scaled)>] scaled: bool
        ) : WeightSpec =
        { Mode = mode; Bits = SpecDefaults.Option bits; Scaled = scaled }

    static member Dense
        (
            units: int,
            [<Optional>] weights: WeightSpec,
            [<Optional; DefaultParameterValue(Nullable<Activation>())>] activation: Nullable<Activation>,
            [<Optional; DefaultParameterValue(Nullable<int>())>] activationBits: Nullable<int>
        ) : LayerSpec =
        Dense
            { Units = units
              Weights = (if isNull (box weights) then SpecDefaults.Weights DslDefaults.WeightQuant else weights)
              Activation = SpecDefaults.Option activation
              ActivationBits = SpecDefaults.Option activationBits }

    static member Conv
        (
            channels: int,
            [<Optional; DefaultParameterValue(DslDefaults.Kernel)>] kernel: int,
            [<Optional; DefaultParameterValue(DslDefaults.Stride)>] stride: int,
            [<Optional; DefaultParameterValue(DslDefaults.Padding)>] padding: int,
            [<Optional; DefaultParameterValue(DslDefaults.Dilation)>] dilation: int,
            [<Optional; DefaultParameterValue(DslDefaults.Groups)>] groups: int,
            [<Optional; DefaultParameterValue(DslDefaults.Pool)>] pool: int,
            [<Optional>] weights: WeightSpec,
            [<Optional; DefaultParameterValue(Nullable<Activation>())>] activation: Nullable<Activation>,
            [<Optional; DefaultParameterValue(Nullable<int>())>] activationBits: Nullable<int>
        ) : LayerSpec =
        Conv
            { Channels = channels
              Kernel = kernel
              Stride = stride
              Padding = padding
              Dilation = dilation
              Groups = groups
              Pool = pool
              Weights = (if isNull (box weights) then SpecDefaults.Weights DslDefaults.WeightQuant else weights)
              Activation = SpecDefaults.Option activation
              ActivationBits = SpecDefaults.Option activationBits }

    /// A model with the DSL's model-wide defaults (`DslDefaults`: Binarize, deterministic, no
    /// dropout, ReSTE o = 3 and t = 1.5, SwishSign β = 5, ternary threshold 0.5).
    static member Model(name: string, kind: ModelKind, input: InputSpec, layers: LayerSpec seq) : ModelSpec =
        { Name = name
          Kind = kind
          Input = input
          Layers = Array.ofSeq layers
          Activation = DslDefaults.Activation
          ActivationBits = None
          QMode = DslDefaults.QMode
          Dropout = DslDefaults.Dropout
          ResteO = DslDefaults.ResteO
          ResteThreshold = DslDefaults.ResteThreshold
          SwishBeta = DslDefaults.SwishBeta
          TernaryThreshold = DslDefaults.TernaryThreshold }

    /// An MLP input of `count` features at the DSL's default width.
    static member Features(count: int) : InputSpec =
        Features { Count = count; Bits = DslDefaults.InputBits; FeatureBits = None }

    /// A CNN input at the DSL's default channels and width.
    static member Image(height: int, width: int) : InputSpec =
        Image { Channels = DslDefaults.ImageChannels; Height = height; Width = width; Bits = DslDefaults.ImageBits; Downscale = 1 }
