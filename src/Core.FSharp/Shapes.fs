/// Output shapes of a spec's layers, computed without building anything (the seed's
/// `inspect_conv_layers`). Shapes exclude the batch dimension.
module Qnn.Shapes

/// One stage of the network and the shape it outputs: `input` [F] or [C; H; W], each conv block
/// after its pooling, `flatten`, each dense layer.
type LayerShape = { Name: string; Shape: int[] }

/// The state-dict name of layer i (0-based): `conv{i+1}` or `fc{i+1}`. Batch norms, dropouts,
/// activations and pools of that layer are `bn`, `drop`, `act`, `pool` with the same number, so
/// every name is unique and stable (the generator emits the same names).
let layerName (index: int) (layer: LayerSpec) =
    match layer with
    | Conv _ -> $"conv{index + 1}"
    | Dense _ -> $"fc{index + 1}"

/// Output size of a convolution along one axis: ⌊(n + 2p - d(k - 1) - 1)/s⌋ + 1, or 0 where the
/// dilated kernel does not fit.
let convolvedSize (size: int) (kernel: int) (stride: int) (padding: int) (dilation: int) =
    let reach = size + 2 * padding - dilation * (kernel - 1) - 1
    if reach < 0 then 0 else reach / stride + 1

/// Output size after max pooling with window and stride `pool` (floor, as torch does).
let pooledSize (size: int) (pool: int) = size / pool

/// [C; H; W] after a conv block.
let convBlockOutput (inputShape: int[]) (conv: ConvSpec) =
    let side n =
        pooledSize (convolvedSize n conv.Kernel conv.Stride conv.Padding conv.Dilation) conv.Pool
    [| conv.Channels; side inputShape.[1]; side inputShape.[2] |]

let inputShape (input: InputSpec) =
    match input with
    | Features f -> [| f.Count |]
    | Image i -> [| i.Channels; i.Height; i.Width |]

/// Every stage's output shape, in order. Assumes a valid spec (see `Validation.validate`).
let shapes (spec: ModelSpec) : LayerShape[] =
    let stage (current: int[]) (index: int, layer: LayerSpec) =
        match layer with
        | Conv c ->
            let next = convBlockOutput current c
            [ { Name = layerName index layer; Shape = next } ], next
        | Dense d ->
            let flatten =
                if current.Length > 1 then [ { Name = "flatten"; Shape = [| Array.fold (*) 1 current |] } ] else []
            flatten @ [ { Name = layerName index layer; Shape = [| d.Units |] } ], [| d.Units |]
    let start = inputShape spec.Input
    let stages, _ = spec.Layers |> Array.indexed |> Array.mapFold stage start
    Array.append [| { Name = "input"; Shape = start } |] (stages |> Array.collect List.toArray)

/// The number of features the CNN's head receives (C·H·W after the last conv block), or the
/// input feature count of an MLP.
let flattenedFeatures (spec: ModelSpec) =
    let stages = shapes spec
    let lastBeforeDense =
        stages |> Array.takeWhile (fun s -> not (s.Name.StartsWith "fc")) |> Array.last
    Array.fold (*) 1 lastBeforeDense.Shape
