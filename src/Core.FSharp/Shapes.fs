/// The network a spec describes as a list of typed stages (kind, name, shape), computed without
/// building anything: the one place that says which modules a spec has, what they are called
/// and what shapes flow between them (the seed's `inspect_conv_layers`). The builder
/// (`Topology.modules`), the cost model, `inspect` and the exporter all read it. Shapes exclude
/// the batch dimension.
module Qnn.Shapes

/// A layer's output: `input` [F] or [C; H; W], each conv block after its pooling, `flatten`,
/// each dense layer.
type LayerShape = { Name: string; Shape: int[] }

/// The name of layer i (0-based): `conv{i+1}` or `fc{i+1}`.
let layerName (index: int) (layer: LayerSpec) =
    Qnn.Rules.StageNames.Layer((match layer with Conv _ -> true | Dense _ -> false), index + 1)

/// Output size of a convolution along one axis (`ShapeMath.ConvolvedSize`, the rule book's), in 64 bits.
let convolvedSize64 (size: int64) (kernel: int64) (stride: int64) (padding: int64) (dilation: int64) =
    Qnn.Rules.ShapeMath.ConvolvedSize(size, kernel, stride, padding, dilation)

/// Output size after max pooling with window and stride `pool` (floor, as torch does), in 64 bits.
let pooledSize64 (size: int64) (pool: int64) = Qnn.Rules.ShapeMath.PooledSize(size, pool)

/// A size that must fit an int: a stage of a spec within `Limits` always does; an oversized
/// one (an invalid spec) throws OverflowException rather than wrapping to a wrong shape.
let private narrow (size: int64) = Checked.int size

/// `convolvedSize64` for sizes of a stage (see `narrow`).
let convolvedSize (size: int) (kernel: int) (stride: int) (padding: int) (dilation: int) =
    narrow (convolvedSize64 (int64 size) (int64 kernel) (int64 stride) (int64 padding) (int64 dilation))

/// Output size after max pooling with window and stride `pool` (floor, as torch does).
let pooledSize (size: int) (pool: int) = size / pool

/// The number of values in a shape, in 64 bits.
let count (shape: int[]) = Array.fold (fun total n -> total * int64 n) 1L shape

let inputShape (input: InputSpec) =
    match input with
    | Features f -> [| f.Count |]
    | Image i -> [| i.Channels; i.Height; i.Width |]

/// What the first layer receives: the input's shape, downscaled (floor) where an image is.
let firstLayerInput (input: InputSpec) =
    match input with
    | Image i when i.Downscale > 1 -> [| i.Channels; i.Height / i.Downscale; i.Width / i.Downscale |]
    | _ -> inputShape input

/// The index of the output layer (the last Dense).
let outputLayer (spec: ModelSpec) =
    spec.Layers |> Array.findIndexBack (function Dense _ -> true | Conv _ -> false)

/// `activation` with the output layer (`outputLayer`) already found: a pass over all layers calls
/// this once per layer, and finding the output layer each time would make it quadratic.
let activationGiven (output: int) (spec: ModelSpec) (index: int) : Activation * int option =
    if index = output then Activation.None, None
    else
        let own, ownBits =
            match spec.Layers.[index] with
            | Dense d -> d.Activation, d.ActivationBits
            | Conv c -> c.Activation, c.ActivationBits
        defaultArg own spec.Activation, (match ownBits with Some b -> Some b | None -> spec.ActivationBits)

/// The activation layer `index` runs and its DoReFa width: its own, else the model's. The output
/// layer runs none (an activation declared there is ignored, warning QNN012).
let activation (spec: ModelSpec) (index: int) : Activation * int option =
    activationGiven (outputLayer spec) spec index

/// Every stage in forward order, as the rule book's `StagePlanner` gives them (src/Rules/Stages):
/// `input`; per conv block conv·bn·act·pool; `flatten` before the first Dense of a CNN; per hidden
/// Dense fc·bn·drop·act; the output fc·bn. Assumes a valid spec (see `Validation.validate`); a
/// shape that does not fit an int (far beyond `Limits`) throws OverflowException. Linear in the
/// number of layers.
let stages (spec: ModelSpec) : Stage[] =
    Qnn.Rules.StagePlanner.Stages(Facts.ofSpec spec)
    |> Seq.map (fun s -> { Kind = s.Kind; Name = s.Name; Layer = s.Layer; Shape = Array.ofSeq s.Shape })
    |> Array.ofSeq

/// The shape that feeds layer `index` (before any flatten): the input, or the previous layer's
/// output. Computes the stages: a caller that needs it for every layer reads `stages` once.
let shapeBefore (spec: ModelSpec) (index: int) : int[] =
    let all = stages spec
    (all |> Array.findBack (fun s -> s.Layer < index && s.Kind <> StageKind.Flatten)).Shape

/// Each layer's output (a conv block after its pooling), with the input and the flatten.
let shapes (spec: ModelSpec) : LayerShape[] =
    stages spec
    |> Array.groupBy (fun s -> s.Layer)
    |> Array.collect (fun (layer, group) ->
        let flatten = group |> Array.filter (fun s -> s.Kind = StageKind.Flatten)
        let main = group |> Array.filter (fun s -> s.Kind <> StageKind.Flatten)
        [| for f in flatten do
               yield { Name = f.Name; Shape = f.Shape }
           if layer < 0 then yield { Name = main.[0].Name; Shape = main.[0].Shape }
           else yield { Name = layerName layer spec.Layers.[layer]; Shape = (Array.last main).Shape } |])

/// The number of features the CNN's head receives (C·H·W after the last conv block), or the
/// input feature count of an MLP.
let flattenedFeatures (spec: ModelSpec) =
    let firstDense = spec.Layers |> Array.findIndex (function Dense _ -> true | Conv _ -> false)
    narrow (count (shapeBefore spec firstDense))
