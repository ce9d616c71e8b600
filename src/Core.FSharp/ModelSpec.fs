/// A model as plain data: what a declaration says, whether or not it is valid. `Spec.validate`
/// says what is wrong with one; the generator builds these from attributes, the host reads them
/// from JSON. Optional fields are `None` where the declaration left them out.
namespace Qnn

/// The input of an MLP: `Count` features, each quantized to `Bits` or to its own width.
type FeatureInputSpec =
    { Count: int
      Bits: int
      FeatureBits: int[] option }

/// The input of a CNN: images quantized to `Bits` per pixel (one range for the whole tensor).
type ImageInputSpec =
    { Channels: int
      Height: int
      Width: int
      Bits: int }

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

/// A broken rule. Codes are the stable ones in DESIGN.md; `Path` names the field at fault
/// (`layers[2].Bits`), `Message` says the value and the rule.
type SpecDiagnostic =
    { Code: string
      IsError: bool
      Path: string
      Message: string }

/// Convenience constructors with the DSL's defaults, for F# and C# callers alike.
type SpecDefaults =
    static member Weights(mode: WeightQuant, ?bits: int, ?scaled: bool) : WeightSpec =
        { Mode = mode; Bits = bits; Scaled = defaultArg scaled false }

    static member Dense(units: int, ?weights: WeightSpec, ?activation: Activation, ?activationBits: int) : LayerSpec =
        Dense
            { Units = units
              Weights = defaultArg weights (SpecDefaults.Weights WeightQuant.None)
              Activation = activation
              ActivationBits = activationBits }

    static member Conv
        (
            channels: int,
            ?kernel: int,
            ?stride: int,
            ?padding: int,
            ?dilation: int,
            ?groups: int,
            ?pool: int,
            ?weights: WeightSpec,
            ?activation: Activation,
            ?activationBits: int
        ) : LayerSpec =
        Conv
            { Channels = channels
              Kernel = defaultArg kernel 3
              Stride = defaultArg stride 1
              Padding = defaultArg padding 0
              Dilation = defaultArg dilation 1
              Groups = defaultArg groups 1
              Pool = defaultArg pool 1
              Weights = defaultArg weights (SpecDefaults.Weights WeightQuant.None)
              Activation = activation
              ActivationBits = activationBits }

    /// A model with the DSL's model-wide defaults (Binarize, deterministic, no dropout,
    /// ReSTE o = 3 and t = 1.5, SwishSign β = 5, ternary threshold 0.5).
    static member Model(name: string, kind: ModelKind, input: InputSpec, layers: LayerSpec seq) : ModelSpec =
        { Name = name
          Kind = kind
          Input = input
          Layers = Array.ofSeq layers
          Activation = Activation.Binarize
          ActivationBits = None
          QMode = QMode.Deterministic
          Dropout = 0.0
          ResteO = 3.0
          ResteThreshold = 1.5
          SwishBeta = 5.0
          TernaryThreshold = 0.5 }
