namespace Qnn

open System
open TorchSharp

/// What a spec's settings mean at run time: the quantizers and the per-layer modules of the
/// topologies. The generated modules call the same functions, so a declaration and its
/// `Spec.build` are the same network.
module Topology =

    /// The activation a layer uses: its own, else the model's.
    let activationOf (spec: ModelSpec) (own: Activation option) = defaultArg own spec.Activation

    /// The DoReFa width a layer uses: its own, else the model's.
    let activationBitsOf (spec: ModelSpec) (own: int option) =
        match own with
        | Some b -> Some b
        | None -> spec.ActivationBits

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

    /// The shape that feeds layer `index`: the input, or the previous layer's output.
    let shapeBefore (spec: ModelSpec) (index: int) : int[] =
        if index = 0 then Shapes.inputShape spec.Input
        else
            let previous = Shapes.layerName (index - 1) spec.Layers.[index - 1]
            (Shapes.shapes spec |> Array.find (fun s -> s.Name = previous)).Shape

    let private denseAt (spec: ModelSpec) index =
        match spec.Layers.[index] with
        | Dense d -> d
        | Conv _ -> invalidArg (nameof index) $"layers[{index}] is a Conv, not a Dense"

    let private convAt (spec: ModelSpec) index =
        match spec.Layers.[index] with
        | Conv c -> c
        | Dense _ -> invalidArg (nameof index) $"layers[{index}] is a Dense, not a Conv"

    /// The QuantLinear of Dense layer `index`, its fan-in the flattened shape before it. Latent
    /// binary weights are clipped to [-1, 1] when training asks for it.
    [<CompiledName("Linear")>]
    let linear (spec: ModelSpec) (index: int) : QuantLinear =
        let d = denseAt spec index
        let fanIn = Array.fold (*) 1 (shapeBefore spec index)
        new QuantLinear(int64 fanIn, int64 d.Units, weightQuantizer spec d.Weights,
                        clipLatentWeights = (d.Weights.Mode = WeightQuant.Binary))

    /// The QuantConv2d of Conv layer `index`.
    [<CompiledName("Conv")>]
    let conv (spec: ModelSpec) (index: int) : QuantConv2d =
        let c = convAt spec index
        let inChannels = (shapeBefore spec index).[0]
        new QuantConv2d(int64 inChannels, int64 c.Channels, int64 c.Kernel, weightQuantizer spec c.Weights,
                        int64 c.Stride, int64 c.Padding, int64 c.Dilation, int64 c.Groups,
                        clipLatentWeights = (c.Weights.Mode = WeightQuant.Binary))

    /// The activation module after layer `index`, or None where there is none: the output layer,
    /// or an activation that is the identity.
    let tryActivation (spec: ModelSpec) (index: int) : QuantActivation option =
        let lastDense = spec.Layers |> Array.findIndexBack (function Dense _ -> true | Conv _ -> false)
        if index = lastDense then None
        else
            let own, ownBits =
                match spec.Layers.[index] with
                | Dense d -> d.Activation, d.ActivationBits
                | Conv c -> c.Activation, c.ActivationBits
            activationQuantizer spec (activationOf spec own) (activationBitsOf spec ownBits)
            |> Option.map (fun q -> new QuantActivation(q))

    /// The activation module after layer `index` (for generated code, which knows there is one).
    [<CompiledName("Activation")>]
    let activation (spec: ModelSpec) (index: int) : QuantActivation =
        match tryActivation spec index with
        | Some a -> a
        | None -> invalidArg (nameof index) $"layers[{index}] has no activation module"

    /// The named modules of the whole network in forward order: `input`, then per conv block
    /// conv·bn·act·pool, `flatten` before the first Dense of a CNN, per hidden Dense
    /// fc·bn·drop·act, and the output fc·bn. Activations that are the identity, dropout of 0 and
    /// a pool of 1 build no module.
    let modules (spec: ModelSpec) : (string * torch.nn.Module<torch.Tensor, torch.Tensor>) list =
        let lastDense = spec.Layers |> Array.findIndexBack (function Dense _ -> true | Conv _ -> false)
        let activationModule index =
            match tryActivation spec index with
            | Some a -> [ $"act{index + 1}", a :> torch.nn.Module<_, _> ]
            | None -> []
        let layerModules (index: int) (layer: LayerSpec) =
            let number = index + 1
            match layer with
            | Conv c ->
                [ yield $"conv{number}", conv spec index :> torch.nn.Module<_, _>
                  yield $"bn{number}", torch.nn.BatchNorm2d(int64 c.Channels) :> torch.nn.Module<_, _>
                  yield! activationModule index
                  if c.Pool > 1 then
                      yield $"pool{number}", torch.nn.MaxPool2d(int64 c.Pool) :> torch.nn.Module<_, _> ]
            | Dense d ->
                [ if (shapeBefore spec index).Length > 1 then
                      yield "flatten", torch.nn.Flatten() :> torch.nn.Module<_, _>
                  yield $"fc{number}", linear spec index :> torch.nn.Module<_, _>
                  yield $"bn{number}", torch.nn.BatchNorm1d(int64 d.Units) :> torch.nn.Module<_, _>
                  if index <> lastDense && spec.Dropout > 0.0 then
                      yield $"drop{number}", torch.nn.Dropout(spec.Dropout) :> torch.nn.Module<_, _>
                  yield! activationModule index ]
        [ yield "input", input spec :> torch.nn.Module<_, _>
          for index, layer in Array.indexed spec.Layers do
              yield! layerModules index layer ]

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
