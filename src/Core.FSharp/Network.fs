namespace Qnn

open System
open TorchSharp

/// What a spec's settings mean at run time: the quantizers and the per-layer modules of the
/// topologies. The generated modules call the same functions, so a declaration and its
/// `Spec.build` are the same network.
module Topology =

    let private stochastic (spec: ModelSpec) = spec.QMode = QMode.Stochastic

    /// The quantizer for a layer's weights.
    let weightQuantizer (spec: ModelSpec) (weights: WeightSpec) : Quantizer =
        match weights.Mode with
        | WeightQuant.Binary -> Quantizer.BinaryWeights(weights.Scaled, stochastic spec)
        | WeightQuant.Ternary -> Quantizer.TernaryWeights()
        | WeightQuant.NBits -> Quantizer.NBitsWeights(defaultArg weights.Bits 0, stochastic spec)
        | _ -> Quantizer.Identity

    /// The activation quantizer, or None for the identity (no module is built for it).
    let activationQuantizer (spec: ModelSpec) (activation: Activation) (bits: int option) : Quantizer option =
        match activation with
        | Activation.None -> None
        | Activation.Relu -> Some Quantizer.Relu
        | Activation.Binarize -> Some(Quantizer.Sign(stochastic spec))
        | Activation.BinarizeReste -> Some(Quantizer.SignReste(spec.ResteO, spec.ResteThreshold, stochastic spec))
        | Activation.BinarizeApprox -> Some(Quantizer.SignApprox(stochastic spec))
        | Activation.BinarizeSwish -> Some(Quantizer.SignSwish(spec.SwishBeta, stochastic spec))
        | Activation.Ternarize -> Some(Quantizer.Ternarize(spec.TernaryThreshold))
        | Activation.NBits -> Some(Quantizer.DoReFa(defaultArg bits 0))
        | other -> raise (ArgumentOutOfRangeException(nameof activation, other, "unknown activation"))

    /// The input quantizer: one width and one range for the whole tensor (`Bits`, images), or a
    /// width and a range per feature (`FeatureBits`). One range keeps the features' relative
    /// scales, which binary first-layer weights (±1 per feature) otherwise lose.
    [<CompiledName("Input")>]
    let input (spec: ModelSpec) : InputQuantizer =
        match spec.Input with
        | Features { FeatureBits = Some widths } -> new InputQuantizer(widths, true)
        | Features f -> new InputQuantizer(f.Bits)
        | Image i -> new InputQuantizer(i.Bits)

    /// The input's downscale: the average of each Downscale × Downscale window of the quantized
    /// image (stride the same, floor), which the engine keeps as the window's integer code sum.
    [<CompiledName("Downscale")>]
    let downscale (spec: ModelSpec) : TorchSharp.Modules.AvgPool2d =
        match spec.Input with
        | Image i when i.Downscale > 1 -> torch.nn.AvgPool2d(int64 i.Downscale)
        | _ -> invalidArg (nameof spec) $"{spec.Name}'s input is not downscaled"

    /// The shape that feeds layer `index`: the input, or the previous layer's output.
    let shapeBefore (spec: ModelSpec) (index: int) : int[] = Shapes.shapeBefore spec index

    let private denseAt (spec: ModelSpec) index =
        match spec.Layers.[index] with
        | Dense d -> d
        | Conv _ -> invalidArg (nameof index) $"layers[{index}] is a Conv, not a Dense"

    let private convAt (spec: ModelSpec) index =
        match spec.Layers.[index] with
        | Conv c -> c
        | Dense _ -> invalidArg (nameof index) $"layers[{index}] is a Dense, not a Conv"

    /// The QuantLinear of Dense layer `index` fed `inputShape` (its fan-in is the shape's size).
    let private linearAfter (spec: ModelSpec) (index: int) (inputShape: int[]) : QuantLinear =
        let d = denseAt spec index
        let fanIn = Shapes.count inputShape
        new QuantLinear(fanIn, int64 d.Units, weightQuantizer spec d.Weights,
                        clipLatentWeights = (d.Weights.Mode = WeightQuant.Binary))

    /// The QuantConv2d of Conv layer `index` fed `inputShape` [C; H; W].
    let private convAfter (spec: ModelSpec) (index: int) (inputShape: int[]) : QuantConv2d =
        let c = convAt spec index
        let inChannels = inputShape.[0]
        new QuantConv2d(int64 inChannels, int64 c.Channels, int64 c.Kernel, weightQuantizer spec c.Weights,
                        int64 c.Stride, int64 c.Padding, int64 c.Dilation, int64 c.Groups,
                        clipLatentWeights = (c.Weights.Mode = WeightQuant.Binary))

    /// The QuantLinear of Dense layer `index`, its fan-in the flattened shape before it. Latent
    /// binary weights are clipped to [-1, 1] when training asks for it.
    [<CompiledName("Linear")>]
    let linear (spec: ModelSpec) (index: int) : QuantLinear = linearAfter spec index (shapeBefore spec index)

    /// The QuantConv2d of Conv layer `index`.
    [<CompiledName("Conv")>]
    let conv (spec: ModelSpec) (index: int) : QuantConv2d = convAfter spec index (shapeBefore spec index)

    /// The activation module after layer `index`, or None where there is none: the output layer,
    /// or an activation that is the identity.
    let tryActivation (spec: ModelSpec) (index: int) : QuantActivation option =
        let activation, bits = Shapes.activation spec index
        activationQuantizer spec activation bits |> Option.map (fun q -> new QuantActivation(q))

    /// The activation module after layer `index` (for generated code, which knows there is one).
    [<CompiledName("Activation")>]
    let activation (spec: ModelSpec) (index: int) : QuantActivation =
        match tryActivation spec index with
        | Some a -> a
        | None -> invalidArg (nameof index) $"layers[{index}] has no activation module"

    /// The module of one stage (see `Shapes.stages`), fed the previous stage's shape (a flatten's
    /// size is its input's, so a Dense after one gets the same fan-in).
    let private moduleOf (spec: ModelSpec) (before: int[]) (stage: Stage) : torch.nn.Module<torch.Tensor, torch.Tensor> =
        let channels () = int64 stage.Shape.[0]
        match stage.Kind with
        | StageKind.Input -> input spec
        | StageKind.Conv -> convAfter spec stage.Layer before
        | StageKind.Dense -> linearAfter spec stage.Layer before
        | StageKind.BatchNorm when stage.Shape.Length > 1 -> torch.nn.BatchNorm2d(channels ())
        | StageKind.BatchNorm -> torch.nn.BatchNorm1d(channels ())
        | StageKind.Activation -> activation spec stage.Layer
        | StageKind.MaxPool ->
            match spec.Layers.[stage.Layer] with
            | Conv c -> torch.nn.MaxPool2d(int64 c.Pool)
            | Dense _ -> invalidArg (nameof stage) $"{stage.Name} pools a dense layer"
        | StageKind.Flatten -> torch.nn.Flatten()
        | StageKind.Downscale -> downscale spec
        | StageKind.Dropout -> torch.nn.Dropout(spec.Dropout)
        | other -> invalidArg (nameof stage) $"unknown stage kind {other}"

    /// The named modules of the whole network in forward order, one per stage of
    /// `Shapes.stages` and under its name.
    let modules (spec: ModelSpec) : (string * torch.nn.Module<torch.Tensor, torch.Tensor>) list =
        // One pass over the stages, each module fed its predecessor's shape: asking
        // `shapeBefore` per layer would recompute every stage per layer (quadratic).
        let stages = Shapes.stages spec
        [ for i in 0 .. stages.Length - 1 ->
              let before = if i = 0 then [||] else stages.[i - 1].Shape
              stages.[i].Name, moduleOf spec before stages.[i] ]

/// The network a spec describes, built at run time (specs read from JSON, `Spec.build`). Its
/// submodules are registered under the names of `Topology.modules`, so its state_dict keys are
/// those of the generated module for the same declaration (`fc1.weight`, `bn1.running_mean`…).
type QuantizedNetwork(spec: ModelSpec) as this =
    inherit torch.nn.Module<torch.Tensor, torch.Tensor>(spec.Name)

    do
        match Validation.errors spec with
        | [] -> ()
        | errors -> raise (Validation.InvalidSpecException errors)

    let layers = Topology.modules spec

    do
        for name, layer in layers do
            this.register_module(name, layer)

    member _.Spec = spec
    /// The submodules in forward order, with their names.
    member _.Layers = layers

    override _.forward(input) =
        layers |> List.fold (fun x (_, layer) -> layer.call x) (input.alias())
