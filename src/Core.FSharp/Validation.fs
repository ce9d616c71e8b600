/// The rules of docs/diagnostics, checked on a spec. The source generator reports the same codes,
/// severities and message texts for the same declarations: its descriptors are a copy of
/// `rules` (it cannot load this assembly), and a consistency test compares the two over the
/// shared corpus of invalid models. QNN001 (partial) and QNN011 (generic or derived class)
/// concern C# classes and only the generator reports them.
module Qnn.Validation

open System
open System.Globalization

/// One rule of the catalog: its code, severity, title and message format (`{0}`… are the facts
/// of the mistake; the fixed text states the rule).
type Rule =
    { Code: string
      IsError: bool
      Title: string
      Format: string }

let private rule code isError title format = { Code = code; IsError = isError; Title = title; Format = format }

let NotPartial =
    rule "QNN001" true "A model class must be partial"
        "type {0} must be declared partial, so the generator can add the members of model class {1}"
let AttributeCount =
    rule "QNN002" true "A model needs exactly one input attribute of its kind and one model attribute"
        "model {0} has {1}; it needs exactly one {2}"
let LayerOrder =
    rule "QNN003" true "A model needs a Dense output layer; Conv only in a CNN, before any Dense"
        "{0}; a model needs a Dense output layer, and Conv blocks only in a [QuantizedCnn], before any Dense"
let SizeOutOfRange =
    rule "QNN004" true "Sizes must be positive and padding not negative" "{0} is {1}; it must be {2}"
let BitWidth =
    rule "QNN005" true "Bit width out of range or missing" "{0} has {1}; {2} take {3}..{4} bits"
let FeatureBits =
    rule "QNN006" true "FeatureBits needs one width of 1..32 per input feature"
        "{0}; FeatureBits needs one width of 1..32 bits per input feature"
let Dropout = rule "QNN007" true "Dropout must be in [0, 1)" "Dropout is {0}; it must be in [0, 1)"
let ResteParameters =
    rule "QNN008" true "ReSTE needs o >= 1 and threshold > 0" "{0} is {1}; ReSTE needs o >= 1 and threshold > 0"
let EmptyConvOutput =
    rule "QNN009" true "A conv block's output would be empty"
        "{0} outputs {1}×{2} from a {3}×{4} input (kernel {5}, stride {6}, padding {7}, dilation {8}, pool {9}); a conv block's output must not be empty"
let Groups =
    rule "QNN010" true "Groups must divide the block's input and output channels"
        "{0} has Groups = {1}, which does not divide its {2} input and {3} output channels"
let UnsupportedClassShape =
    rule "QNN011" true "A model class cannot be generic, nested in a generic type, or declare a base class"
        "model class {0} {1}; a model class cannot be generic, nested in a generic type, or declare a base class"
let OutputActivation =
    rule "QNN012" false "An activation declared on the output layer is ignored"
        "{0} is the output layer; its Activation = {1} is ignored (outputs are logits)"
let ActivationBitsRange =
    rule "QNN013" true "ActivationBits must be 1..31" "{0} has ActivationBits = {1}; NBits activations take 1..31 bits"
let IgnoredWeightBits =
    rule "QNN015" false "Bits set on a weight mode that ignores it"
        "{0} sets Bits = {1} on {2} weights; Bits applies only to NBits and is ignored"
let ActivationBitsPairing =
    rule "QNN016" true "ActivationBits and Activation.NBits go together"
        "{0} has {1}; ActivationBits and Activation.NBits go together"
let SizeLimit =
    rule "QNN014" true "A model must stay within Qnn's size limits" "{0} is {1}; it must be at most {2}"
let ActivationParameter =
    rule "QNN017" true "SwishSign's beta and Ternarize's threshold must be positive" "{0} is {1}; {2} needs it > 0"

/// Every rule, one per code and severity, in code order.
let rules: Rule list =
    [ NotPartial; AttributeCount; LayerOrder; SizeOutOfRange; BitWidth; FeatureBits; Dropout; ResteParameters
      EmptyConvOutput; Groups; UnsupportedClassShape; OutputActivation; ActivationBitsRange; SizeLimit
      IgnoredWeightBits; ActivationBitsPairing; ActivationParameter ]

/// An argument as the generator writes it: invariant, doubles round-trippable.
let private text (argument: obj) =
    match argument with
    | :? float as d -> d.ToString("R", CultureInfo.InvariantCulture)
    | :? IFormattable as f -> f.ToString(null, CultureInfo.InvariantCulture)
    | other -> string other

/// The rule's diagnostic at `path`, its message formatted from `arguments`.
let private report (rule: Rule) path (arguments: obj list) : SpecDiagnostic =
    { Code = rule.Code
      IsError = rule.IsError
      Path = path
      Message = String.Format(CultureInfo.InvariantCulture, rule.Format, arguments |> List.map (text >> box) |> Array.ofList) }

/// QNN004: a size that must be positive.
let private positive path what (value: int) =
    [ if value <= 0 then report SizeOutOfRange path [ what; value; "positive" ] ]

/// QNN005: an input width outside 1..32.
let private inputBits (bits: int) =
    [ if bits < 1 || bits > 32 then report BitWidth "input.Bits" [ "input"; $"Bits = {bits}"; "input widths"; 1; 32 ] ]

let private inputRules (spec: ModelSpec) =
    [ match spec.Kind, spec.Input with
      | ModelKind.Mlp, Image _ ->
          report AttributeCount "input" [ spec.Name; "[ImageInput]"; "[Input(features)], the input of an MLP" ]
      | ModelKind.Cnn, Features _ ->
          report AttributeCount "input" [ spec.Name; "[Input(features)]"; "[ImageInput], the input of a CNN" ]
      | _ -> ()
      match spec.Input with
      | Features f ->
          yield! positive "input.Features" "input feature count" f.Count
          match f.FeatureBits with
          | None -> yield! inputBits f.Bits
          | Some widths ->
              if widths.Length <> f.Count then
                  report FeatureBits "input.FeatureBits" [ $"FeatureBits has {widths.Length} entries for {f.Count} input features" ]
              for i, b in Array.indexed widths do
                  if b < 1 || b > 32 then
                      report FeatureBits $"input.FeatureBits[{i}]" [ $"FeatureBits[{i}] is {b}" ]
      | Image img ->
          yield! positive "input.Channels" "image channels" img.Channels
          yield! positive "input.Height" "image height" img.Height
          yield! positive "input.Width" "image width" img.Width
          yield! inputBits img.Bits ]

let private weightRules path label (w: WeightSpec) =
    [ match w.Mode, w.Bits with
      | WeightQuant.NBits, None ->
          report BitWidth $"{path}.Bits" [ label; "NBits weights without Bits"; "NBits weights"; 2; 31 ]
      | WeightQuant.NBits, Some b when b < 2 || b > 31 ->
          report BitWidth $"{path}.Bits" [ label; $"NBits weights with Bits = {b}"; "NBits weights"; 2; 31 ]
      | mode, Some b when mode <> WeightQuant.NBits ->
          report IgnoredWeightBits $"{path}.Bits" [ label; b; string mode ]
      | _ -> () ]

let private activationBitsRange path label (bits: int option) =
    [ match bits with
      | Some b when b < 1 || b > 31 -> report ActivationBitsRange path [ label; b ]
      | _ -> () ]

/// Whether a number is finite: NaN and ±∞ (JSON's 1e400 reads as ∞) fail every rule on numbers.
let private finite (x: float) = not (Double.IsNaN x || Double.IsInfinity x)

let private modelRules (spec: ModelSpec) =
    [ if not (spec.Dropout >= 0.0 && spec.Dropout < 1.0) then
          report Dropout "Dropout" [ spec.Dropout ]
      if not (finite spec.ResteO && spec.ResteO >= 1.0) then
          report ResteParameters "ResteO" [ "ResteO"; spec.ResteO ]
      if not (finite spec.ResteThreshold && spec.ResteThreshold > 0.0) then
          report ResteParameters "ResteThreshold" [ "ResteThreshold"; spec.ResteThreshold ]
      if not (finite spec.SwishBeta && spec.SwishBeta > 0.0) then
          report ActivationParameter "SwishBeta" [ "SwishBeta"; spec.SwishBeta; "BinarizeSwish" ]
      if not (finite spec.TernaryThreshold && spec.TernaryThreshold > 0.0) then
          report ActivationParameter "TernaryThreshold" [ "TernaryThreshold"; spec.TernaryThreshold; "Ternarize" ]
      if spec.Name.Length > Limits.MaxNameLength then
          report SizeLimit "Name" [ "the model name's length"; spec.Name.Length; Limits.MaxNameLength ]
      yield! activationBitsRange "ActivationBits" "the model" spec.ActivationBits
      match spec.Activation, spec.ActivationBits with
      | Activation.NBits, None ->
          report ActivationBitsPairing "ActivationBits" [ "the model"; "Activation.NBits without ActivationBits" ]
      | activation, Some _ when activation <> Activation.NBits ->
          report ActivationBitsPairing "ActivationBits" [ "the model"; $"ActivationBits with Activation = {activation}" ]
      | _ -> () ]

/// Rules on one layer's own activation settings; `isOutput` marks the last Dense.
let private layerActivationRules (spec: ModelSpec) path label isOutput (activation: Activation option) (bits: int option) =
    [ if isOutput && activation.IsSome then
          report OutputActivation $"{path}.Activation" [ label; string activation.Value ]
      yield! activationBitsRange $"{path}.ActivationBits" label bits
      let effective = defaultArg activation spec.Activation
      match bits with
      | Some _ when effective <> Activation.NBits ->
          report ActivationBitsPairing $"{path}.ActivationBits" [ label; $"ActivationBits with Activation = {effective}" ]
      | _ -> ()
      if activation = Some Activation.NBits && bits.IsNone && spec.ActivationBits.IsNone then
          report ActivationBitsPairing $"{path}.ActivationBits" [ label; "Activation.NBits without ActivationBits" ] ]

/// QNN014 on the values one sample produces at a stage ([C; H; W] or [F]), in 64 bits.
let private activationLimit path what (shape: int64[]) =
    // Exact: three sides of up to 2^33 each can overflow an int64.
    let count = shape |> Array.fold (fun total n -> total * bigint n) 1I
    [ if count > bigint Limits.MaxActivationsPerSample then
          let described = if shape.Length > 1 then $" ({String.Join('×', shape)})" else ""
          report SizeLimit path [ $"the value count per sample of {what}{described}"; count; Limits.MaxActivationsPerSample ] ]

/// Shapes are followed in 64 bits and only while they are known and within `Limits`: after a
/// layer whose output is empty (QNN009), oversized (QNN014) or undefined (a size that is not
/// positive), later layers get no shape rules, and the parameter total is checked only when every
/// layer's parameters are known (so its count is exact). Each layer's work is constant: linear in
/// the number of layers.
let private layerRules (spec: ModelSpec) =
    let lastDense = spec.Layers |> Array.tryFindIndexBack (function Dense _ -> true | Conv _ -> false)
    let firstDense = spec.Layers |> Array.tryFindIndex (function Dense _ -> true | Conv _ -> false)
    let checkLayer (shape: int64[] option) (index: int, layer: LayerSpec) =
        let path = $"layers[{index}]"
        let name = Shapes.layerName index layer
        match layer with
        | Dense d ->
            let label = $"Dense {name}"
            let limit = if d.Units > 0 then activationLimit $"{path}.Units" $"{label}'s output" [| int64 d.Units |] else []
            let diagnostics =
                [ yield! positive $"{path}.Units" $"{label} units" d.Units
                  yield! weightRules path label d.Weights
                  yield! layerActivationRules spec path label (Some index = lastDense) d.Activation d.ActivationBits
                  yield! limit ]
            let parameters =
                shape |> Option.filter (fun _ -> d.Units > 0)
                |> Option.map (fun input -> bigint (Array.fold (*) 1L input) * bigint d.Units + 2I * bigint d.Units)
            let output = if d.Units > 0 && limit.IsEmpty then Some [| int64 d.Units |] else None
            (diagnostics, parameters), output
        | Conv c ->
            let label = $"Conv {name}"
            let diagnostics =
                [ if spec.Kind <> ModelKind.Cnn then
                      report LayerOrder path [ $"{label} is in an MLP" ]
                  match firstDense with
                  | Some f when f < index -> report LayerOrder path [ $"{label} comes after a Dense layer" ]
                  | _ -> ()
                  yield! positive $"{path}.Channels" $"{label} channels" c.Channels
                  yield! positive $"{path}.Kernel" $"{label} kernel" c.Kernel
                  yield! positive $"{path}.Stride" $"{label} stride" c.Stride
                  yield! positive $"{path}.Dilation" $"{label} dilation" c.Dilation
                  yield! positive $"{path}.Pool" $"{label} pool" c.Pool
                  if c.Padding < 0 then
                      report SizeOutOfRange $"{path}.Padding" [ $"{label} padding"; c.Padding; "0 or more" ]
                  yield! weightRules path label c.Weights
                  yield! layerActivationRules spec path label false c.Activation c.ActivationBits ]
            let sizesValid =
                c.Channels > 0 && c.Kernel > 0 && c.Stride > 0 && c.Dilation > 0 && c.Pool > 0 && c.Padding >= 0
            match shape with
            | Some input when input.Length = 3 && sizesValid ->
                let groupRules =
                    [ if c.Groups <= 0 then
                          yield! positive $"{path}.Groups" $"{label} groups" c.Groups
                      elif input.[0] % int64 c.Groups <> 0L || c.Channels % c.Groups <> 0 then
                          report Groups $"{path}.Groups" [ label; c.Groups; input.[0]; c.Channels ] ]
                let side n = Shapes.convolvedSize64 n (int64 c.Kernel) (int64 c.Stride) (int64 c.Padding) (int64 c.Dilation)
                let convolved = [| int64 c.Channels; side input.[1]; side input.[2] |]
                let pooled = [| convolved.[0]; Shapes.pooledSize64 convolved.[1] (int64 c.Pool); Shapes.pooledSize64 convolved.[2] (int64 c.Pool) |]
                let emptyRule =
                    [ if pooled.[1] <= 0L || pooled.[2] <= 0L then
                          report EmptyConvOutput path
                              [ label; pooled.[1]; pooled.[2]; input.[1]; input.[2]; c.Kernel; c.Stride; c.Padding; c.Dilation; c.Pool ] ]
                // The convolution's output, before pooling, is the block's largest stage.
                let limit = activationLimit path $"{label}'s convolution" convolved
                let parameters =
                    if c.Groups <= 0 then None
                    else
                        let channels = bigint c.Channels
                        Some(bigint (input.[0] / int64 c.Groups) * bigint c.Kernel * bigint c.Kernel * channels + 2I * channels)
                let output = if emptyRule.IsEmpty && limit.IsEmpty then Some pooled else None
                (diagnostics @ groupRules @ emptyRule @ limit, parameters), output
            | _ -> (diagnostics @ positive $"{path}.Groups" $"{label} groups" c.Groups, None), None
    let start =
        match spec.Input with
        | Image i when i.Channels > 0 && i.Height > 0 && i.Width > 0 -> Some [| int64 i.Channels; int64 i.Height; int64 i.Width |]
        | Features f when f.Count > 0 -> Some [| int64 f.Count |]
        | _ -> None
    let inputLimit = start |> Option.map (activationLimit "input" "the input") |> Option.defaultValue []
    let perLayer, _ =
        spec.Layers |> Array.indexed |> Array.mapFold checkLayer (if inputLimit.IsEmpty then start else None)
    let total =
        perLayer |> Array.fold (fun total (_, parameters) -> Option.map2 (+) total parameters) (Some 0I)
    [ if lastDense.IsNone then
          report LayerOrder "layers" [ $"model {spec.Name} has no Dense layer" ]
      yield! inputLimit
      yield! perLayer |> Seq.collect fst
      match total with
      | Some count when count > bigint Limits.MaxParameters ->
          report SizeLimit "layers" [ $"the parameter count of model {spec.Name} (weights and BatchNorm)"; count; Limits.MaxParameters ]
      | _ -> () ]

/// Every broken rule of the spec, errors and warnings, in declaration order.
let validate (spec: ModelSpec) : SpecDiagnostic list =
    inputRules spec @ modelRules spec @ layerRules spec

/// The errors alone (warnings do not stop a build).
let errors (spec: ModelSpec) = validate spec |> List.filter (fun d -> d.IsError)

/// Thrown by `Spec.build` for a spec with errors; carries every diagnostic.
exception InvalidSpecException of SpecDiagnostic list
    with
        override this.Message =
            match this :> exn with
            | InvalidSpecException diagnostics ->
                diagnostics
                |> List.filter (fun d -> d.IsError)
                |> List.map (fun d -> $"{d.Code} {d.Path}: {d.Message}")
                |> String.concat Environment.NewLine
            | _ -> "invalid model spec"
