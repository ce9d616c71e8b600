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
    match layer with
    | Conv _ -> StageName.ofKind StageKind.Conv (index + 1)
    | Dense _ -> StageName.ofKind StageKind.Dense (index + 1)

/// Output size of a convolution along one axis: ⌊(n + 2p - d(k - 1) - 1)/s⌋ + 1, or 0 where the
/// dilated kernel does not fit. In 64 bits: a spec's sizes may be anything an int holds, and
/// validation must see the true size of an oversized stage (QNN014), not a wrapped one.
let convolvedSize64 (size: int64) (kernel: int64) (stride: int64) (padding: int64) (dilation: int64) =
    let reach = size + 2L * padding - dilation * (kernel - 1L) - 1L
    if reach < 0L then 0L else reach / stride + 1L

/// Output size after max pooling with window and stride `pool` (floor, as torch does).
let pooledSize64 (size: int64) (pool: int64) = size / pool

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

/// [C; H; W] of a convolution before its pooling.
let convolvedOutput (inputShape: int[]) (conv: ConvSpec) =
    let side n = convolvedSize n conv.Kernel conv.Stride conv.Padding conv.Dilation
    [| conv.Channels; side inputShape.[1]; side inputShape.[2] |]

/// [C; H; W] after pooling with window `pool`.
let pooledOutput (shape: int[]) (pool: int) =
    [| shape.[0]; pooledSize shape.[1] pool; pooledSize shape.[2] pool |]

/// [C; H; W] after a conv block (convolution, then pooling).
let convBlockOutput (inputShape: int[]) (conv: ConvSpec) =
    pooledOutput (convolvedOutput inputShape conv) conv.Pool

let inputShape (input: InputSpec) =
    match input with
    | Features f -> [| f.Count |]
    | Image i -> [| i.Channels; i.Height; i.Width |]

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

/// Every stage in forward order: `input`; per conv block conv·bn·act·pool; `flatten` before the
/// first Dense of a CNN; per hidden Dense fc·bn·drop·act; the output fc·bn. An identity
/// activation, a dropout of 0 and a pool of 1 are no stage. Assumes a valid spec (see
/// `Validation.validate`); a shape that does not fit an int (far beyond `Limits`) throws
/// OverflowException. Linear in the number of layers.
let stages (spec: ModelSpec) : Stage[] =
    let output = outputLayer spec
    let layerStages (current: int[]) (index: int, layer: LayerSpec) =
        let stage kind shape = { Kind = kind; Name = StageName.ofKind kind (index + 1); Layer = index; Shape = shape }
        let activationStage shape =
            if fst (activationGiven output spec index) = Activation.None then [] else [ stage StageKind.Activation shape ]
        match layer with
        | Conv c ->
            let convolved = convolvedOutput current c
            let pooled = pooledOutput convolved c.Pool
            [ yield stage StageKind.Conv convolved
              yield stage StageKind.BatchNorm convolved
              yield! activationStage convolved
              if c.Pool > 1 then yield stage StageKind.MaxPool pooled ],
            pooled
        | Dense d ->
            let units = [| d.Units |]
            [ if current.Length > 1 then yield stage StageKind.Flatten [| narrow (count current) |]
              yield stage StageKind.Dense units
              yield stage StageKind.BatchNorm units
              if index <> output && spec.Dropout > 0.0 then yield stage StageKind.Dropout units
              yield! activationStage units ],
            units
    let start = inputShape spec.Input
    let layers, _ = spec.Layers |> Array.indexed |> Array.mapFold layerStages start
    Array.append
        [| { Kind = StageKind.Input; Name = StageName.ofKind StageKind.Input 0; Layer = -1; Shape = start } |]
        (layers |> Array.collect List.toArray)

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
