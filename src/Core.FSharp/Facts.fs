/// A spec as the rule book's `ModelFacts` (src/Rules/Facts): what the rules (`Validation`) and
/// the stage planner (`Shapes.stages`) read. A spec has one model attribute and one input.
module Qnn.Facts

open Qnn.Rules

let private option (value: 'T option) : System.Nullable<'T> = match value with Some v -> System.Nullable v | None -> System.Nullable()

let private input (spec: InputSpec) =
    match spec with
    | Features f -> InputFacts.OfFeatures(f.Count, f.Bits, (match f.FeatureBits with Some widths -> widths :> System.Collections.Generic.IReadOnlyList<int> | None -> null))
    | Image i -> InputFacts.OfImage(i.Channels, i.Height, i.Width, i.Bits, i.Downscale)

let private layer (spec: LayerSpec) =
    match spec with
    | Dense d -> LayerFacts.Dense(d.Units, d.Weights.Mode, option d.Weights.Bits, d.Weights.Scaled, option d.Activation, option d.ActivationBits)
    | Conv c ->
        LayerFacts(true, c.Channels, c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups, c.Pool, c.Weights.Mode,
                   option c.Weights.Bits, c.Weights.Scaled, option c.Activation, option c.ActivationBits)

/// The facts of `spec`.
let ofSpec (spec: ModelSpec) : ModelFacts =
    let isCnn = spec.Kind = ModelKind.Cnn
    ModelFacts(
        spec.Name,
        isCnn,
        null,
        [| (if isCnn then "QuantizedCnn" else "QuantizedMlp") |],
        [| input spec.Input |],
        SettingsFacts(spec.Activation, option spec.ActivationBits, spec.QMode, spec.Dropout, spec.ResteO, spec.ResteThreshold,
                      spec.SwishBeta, spec.TernaryThreshold),
        spec.Layers |> Array.map layer)
