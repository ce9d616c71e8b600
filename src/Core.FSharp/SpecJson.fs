/// Specs as JSON files: the runtime path for models that are not declared in C#. Reading checks
/// the format (types, unknown, repeated or missing fields, enum names) and reports the JSON path at fault;
/// the rules of docs/diagnostics are `Validation.validate`'s job. Field names follow the DSL:
///
///   { "name": "VertebralMlp", "kind": "mlp",
///     "input": { "features": 6, "bits": 16 },            // or "featureBits": [8, 8, …]
///     "activation": "BinarizeReste", "qMode": "Deterministic", "dropout": 0.0,
///     "resteO": 3.0, "resteThreshold": 1.5,
///     "layers": [ { "dense": 32, "weights": "Binary" }, { "dense": 3, "weights": "Binary" } ] }
///
/// A CNN's input is { "channels": 1, "height": 28, "width": 28, "bits": 8 } and its conv blocks
/// { "conv": 16, "kernel": 3, "padding": 1, "pool": 2, "weights": "Binary" }.
module Qnn.SpecJson

open System
open System.IO
open System.Text
open System.Text.Json
open Qnn.JsonReading

// ---------------------------------------------------------------------------------------------
// Writing

let private writeWeights (w: Utf8JsonWriter) (weights: WeightSpec) =
    w.WriteString("weights", string weights.Mode)
    weights.Bits |> Option.iter (fun b -> w.WriteNumber("bits", b))
    if weights.Scaled then w.WriteBoolean("scaled", true)

let private writeActivation (w: Utf8JsonWriter) (activation: Activation option) (bits: int option) =
    activation |> Option.iter (fun a -> w.WriteString("activation", string a))
    bits |> Option.iter (fun b -> w.WriteNumber("activationBits", b))

/// The spec as indented JSON. Optional fields that are absent are left out.
let write (spec: ModelSpec) : string =
    use buffer = new MemoryStream()
    (
        use w = new Utf8JsonWriter(buffer, JsonWriterOptions(Indented = true))
        w.WriteStartObject()
        w.WriteString("name", spec.Name)
        w.WriteString("kind", (if spec.Kind = ModelKind.Cnn then "cnn" else "mlp"))
        w.WriteStartObject("input")
        match spec.Input with
        | Features f ->
            w.WriteNumber("features", f.Count)
            match f.FeatureBits with
            | Some widths ->
                w.WriteStartArray("featureBits")
                widths |> Array.iter w.WriteNumberValue
                w.WriteEndArray()
            | None -> w.WriteNumber("bits", f.Bits)
        | Image i ->
            w.WriteNumber("channels", i.Channels)
            w.WriteNumber("height", i.Height)
            w.WriteNumber("width", i.Width)
            w.WriteNumber("bits", i.Bits)
            if i.Downscale <> 1 then w.WriteNumber("downscale", i.Downscale)
        w.WriteEndObject()
        w.WriteString("activation", string spec.Activation)
        spec.ActivationBits |> Option.iter (fun b -> w.WriteNumber("activationBits", b))
        w.WriteString("qMode", string spec.QMode)
        w.WriteNumber("dropout", spec.Dropout)
        w.WriteNumber("resteO", spec.ResteO)
        w.WriteNumber("resteThreshold", spec.ResteThreshold)
        w.WriteNumber("swishBeta", spec.SwishBeta)
        w.WriteNumber("ternaryThreshold", spec.TernaryThreshold)
        w.WriteStartArray("layers")
        for layer in spec.Layers do
            w.WriteStartObject()
            match layer with
            | Dense d ->
                w.WriteNumber("dense", d.Units)
                writeWeights w d.Weights
                writeActivation w d.Activation d.ActivationBits
            | Conv c ->
                w.WriteNumber("conv", c.Channels)
                w.WriteNumber("kernel", c.Kernel)
                w.WriteNumber("stride", c.Stride)
                w.WriteNumber("padding", c.Padding)
                w.WriteNumber("dilation", c.Dilation)
                w.WriteNumber("groups", c.Groups)
                w.WriteNumber("pool", c.Pool)
                writeWeights w c.Weights
                writeActivation w c.Activation c.ActivationBits
            w.WriteEndObject()
        w.WriteEndArray()
        w.WriteEndObject()
    )
    Encoding.UTF8.GetString(buffer.ToArray())

// ---------------------------------------------------------------------------------------------
// Reading

/// A model's name names its saved model, its engine file and its C functions' comments: it must
/// have a visible character and no control characters (the length limit is QNN014's).
let private modelName path (e: JsonElement) =
    let name = text path e
    if String.IsNullOrWhiteSpace name then fail path "an empty name; a model needs one (saved models and engine files carry it)"
    if name |> Seq.exists Char.IsControl then fail path "the name has a control character; use printable characters"
    name

let private readInput (kind: ModelKind) path (e: JsonElement) =
    let props = properties path [ "features"; "bits"; "featureBits"; "channels"; "height"; "width"; "downscale" ] e
    if props.ContainsKey "features" then
        Features
            { Count = required props path "features" integer
              Bits = optional props path "bits" integer |> Option.defaultValue DslDefaults.InputBits
              FeatureBits =
                optional props path "featureBits" (fun p a ->
                    if a.ValueKind <> JsonValueKind.Array then fail p $"expected an array of integers, found {a.ValueKind}"
                    a.EnumerateArray() |> Seq.mapi (fun i v -> integer $"{p}[{i}]" v) |> Array.ofSeq) }
    elif props.ContainsKey "height" || props.ContainsKey "width" || props.ContainsKey "channels" then
        Image
            { Channels = optional props path "channels" integer |> Option.defaultValue DslDefaults.ImageChannels
              Height = required props path "height" integer
              Width = required props path "width" integer
              Bits = optional props path "bits" integer |> Option.defaultValue DslDefaults.ImageBits
              Downscale = optional props path "downscale" integer |> Option.defaultValue 1 }
    else
        let expected = if kind = ModelKind.Cnn then "\"height\" and \"width\"" else "\"features\""
        fail path $"missing field {expected}"

let private readWeights props path : WeightSpec =
    { Mode = optional props path "weights" enumValue<WeightQuant> |> Option.defaultValue DslDefaults.WeightQuant
      Bits = optional props path "bits" integer
      Scaled = optional props path "scaled" boolean |> Option.defaultValue DslDefaults.Scaled }

let private commonLayerFields = [ "weights"; "bits"; "scaled"; "activation"; "activationBits" ]
let private convLayerFields = [ "conv"; "kernel"; "stride"; "padding"; "dilation"; "groups"; "pool" ] @ commonLayerFields
let private denseLayerFields = "dense" :: commonLayerFields

let private readLayer path (e: JsonElement) : LayerSpec =
    if e.ValueKind = JsonValueKind.Object && (e.TryGetProperty "conv" |> fst) then
        let props = properties path convLayerFields e
        Conv
            { Channels = required props path "conv" integer
              Kernel = optional props path "kernel" integer |> Option.defaultValue DslDefaults.Kernel
              Stride = optional props path "stride" integer |> Option.defaultValue DslDefaults.Stride
              Padding = optional props path "padding" integer |> Option.defaultValue DslDefaults.Padding
              Dilation = optional props path "dilation" integer |> Option.defaultValue DslDefaults.Dilation
              Groups = optional props path "groups" integer |> Option.defaultValue DslDefaults.Groups
              Pool = optional props path "pool" integer |> Option.defaultValue DslDefaults.Pool
              Weights = readWeights props path
              Activation = optional props path "activation" enumValue<Activation>
              ActivationBits = optional props path "activationBits" integer }
    else
        let props = properties path denseLayerFields e
        if not (props.ContainsKey "dense") then fail path "a layer needs \"dense\": units or \"conv\": channels"
        Dense
            { Units = required props path "dense" integer
              Weights = readWeights props path
              Activation = optional props path "activation" enumValue<Activation>
              ActivationBits = optional props path "activationBits" integer }

let private readModel (root: JsonElement) : ModelSpec =
    let path = "$"
    let props =
        properties path
            [ "name"; "kind"; "input"; "layers"; "activation"; "activationBits"; "qMode"; "dropout"; "resteO"
              "resteThreshold"; "swishBeta"; "ternaryThreshold" ]
            root
    let kind =
        required props path "kind" (fun p e ->
            match (if e.ValueKind = JsonValueKind.String then e.GetString().ToLowerInvariant() else "") with
            | "mlp" -> ModelKind.Mlp
            | "cnn" -> ModelKind.Cnn
            | _ -> fail p $"expected \"mlp\" or \"cnn\", found {e.GetRawText()}")
    let defaults = SpecDefaults.Model("model", kind, SpecDefaults.Features 0, [])
    { Name =
        optional props path "name" modelName |> Option.defaultValue "Model"
      Kind = kind
      Input = required props path "input" (readInput kind)
      Layers =
        required props path "layers" (fun p e ->
            if e.ValueKind <> JsonValueKind.Array then fail p $"expected an array of layers, found {e.ValueKind}"
            e.EnumerateArray() |> Seq.mapi (fun i l -> readLayer $"{p}[{i}]" l) |> Array.ofSeq)
      Activation = optional props path "activation" enumValue<Activation> |> Option.defaultValue defaults.Activation
      ActivationBits = optional props path "activationBits" integer
      QMode = optional props path "qMode" enumValue<QMode> |> Option.defaultValue defaults.QMode
      Dropout = optional props path "dropout" number |> Option.defaultValue defaults.Dropout
      ResteO = optional props path "resteO" number |> Option.defaultValue defaults.ResteO
      ResteThreshold = optional props path "resteThreshold" number |> Option.defaultValue defaults.ResteThreshold
      SwishBeta = optional props path "swishBeta" number |> Option.defaultValue defaults.SwishBeta
      TernaryThreshold = optional props path "ternaryThreshold" number |> Option.defaultValue defaults.TernaryThreshold }

/// Reads a spec, or says what is wrong with the text and where (`$.layers[2].weights: …`).
let read (json: string) : Result<ModelSpec, string> = readText readModel json
