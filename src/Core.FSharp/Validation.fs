/// The rules of DESIGN.md's diagnostic table, checked on a spec. The source generator reports the
/// same codes for the same declarations (a shared corpus of invalid models tests both).
/// QNN001 (partial) and QNN011 (generic or derived class) concern C# classes and only the
/// generator reports them.
module Qnn.Validation

open System

let private error code path message = { Code = code; IsError = true; Path = path; Message = message }
let private warning code path message = { Code = code; IsError = false; Path = path; Message = message }

let private inv (value: float) = value.ToString("R", Globalization.CultureInfo.InvariantCulture)

/// QNN004: a size that must be positive (or, for padding, not negative).
let private positive path what (value: int) =
    [ if value <= 0 then error "QNN004" path $"{what} is {value}; it must be positive" ]

let private inputRules (spec: ModelSpec) =
    [ match spec.Kind, spec.Input with
      | ModelKind.Mlp, Image _ ->
          error "QNN002" "input" "an MLP takes [Input(features)], not [ImageInput]"
      | ModelKind.Cnn, Features _ ->
          error "QNN002" "input" "a CNN takes [ImageInput], not [Input(features)]"
      | _ -> ()
      match spec.Input with
      | Features f ->
          yield! positive "input.Features" "input feature count" f.Count
          match f.FeatureBits with
          | None ->
              if f.Bits < 1 || f.Bits > 32 then
                  error "QNN005" "input.Bits" $"input Bits is {f.Bits}; input bit widths are 1..32"
          | Some widths ->
              if widths.Length <> f.Count then
                  error "QNN006" "input.FeatureBits"
                      $"FeatureBits has {widths.Length} entries for {f.Count} input features; it needs one per feature"
              for i, b in Array.indexed widths do
                  if b < 1 || b > 32 then
                      error "QNN006" $"input.FeatureBits[{i}]" $"FeatureBits[{i}] is {b}; each feature's width is 1..32"
      | Image img ->
          yield! positive "input.Channels" "image channels" img.Channels
          yield! positive "input.Height" "image height" img.Height
          yield! positive "input.Width" "image width" img.Width
          if img.Bits < 1 || img.Bits > 32 then
              error "QNN005" "input.Bits" $"input Bits is {img.Bits}; input bit widths are 1..32" ]

let private weightRules path label (w: WeightSpec) =
    [ match w.Mode, w.Bits with
      | WeightQuant.NBits, None ->
          error "QNN005" $"{path}.Bits" $"{label} uses NBits weights without Bits; NBits needs Bits = 2..31"
      | WeightQuant.NBits, Some b when b < 2 || b > 31 ->
          error "QNN005" $"{path}.Bits" $"{label} has NBits weights with Bits = {b}; NBits weights take 2..31 bits"
      | mode, Some b when mode <> WeightQuant.NBits ->
          warning "QNN005" $"{path}.Bits" $"{label} sets Bits = {b} on {mode} weights; Bits applies only to NBits and is ignored"
      | _ -> () ]

let private activationBitsRange path label (bits: int option) =
    [ match bits with
      | Some b when b < 1 || b > 31 ->
          error "QNN013" path $"{label} ActivationBits is {b}; NBits activations take 1..31 bits"
      | _ -> () ]

let private modelRules (spec: ModelSpec) =
    [ if not (spec.Dropout >= 0.0 && spec.Dropout < 1.0) then
          error "QNN007" "Dropout" $"Dropout is {inv spec.Dropout}; it must be in [0, 1)"
      if not (spec.ResteO >= 1.0) then
          error "QNN008" "ResteO" $"ResteO is {inv spec.ResteO}; ReSTE needs o >= 1"
      if not (spec.ResteThreshold > 0.0) then
          error "QNN008" "ResteThreshold" $"ResteThreshold is {inv spec.ResteThreshold}; ReSTE needs threshold > 0"
      if not (spec.SwishBeta > 0.0) then
          error "QNN013" "SwishBeta" $"SwishBeta is {inv spec.SwishBeta}; SwishSign needs beta > 0"
      if not (spec.TernaryThreshold > 0.0) then
          error "QNN013" "TernaryThreshold" $"TernaryThreshold is {inv spec.TernaryThreshold}; Ternarize needs threshold > 0"
      yield! activationBitsRange "ActivationBits" "the model's" spec.ActivationBits
      match spec.Activation, spec.ActivationBits with
      | Activation.NBits, None ->
          error "QNN013" "ActivationBits" "the model's Activation is NBits without ActivationBits; NBits needs ActivationBits = 1..31"
      | activation, Some _ when activation <> Activation.NBits ->
          error "QNN013" "ActivationBits" $"the model sets ActivationBits with Activation = {activation}; ActivationBits needs Activation.NBits"
      | _ -> () ]

/// Rules on one layer's own activation settings; `isOutput` marks the last Dense.
let private layerActivationRules (spec: ModelSpec) path label isOutput (activation: Activation option) (bits: int option) =
    [ if isOutput && activation.IsSome then
          warning "QNN012" $"{path}.Activation"
              $"{label} is the output layer; its Activation = {activation.Value} is ignored (outputs are logits)"
      yield! activationBitsRange $"{path}.ActivationBits" label bits
      let effective = defaultArg activation spec.Activation
      match bits with
      | Some _ when effective <> Activation.NBits ->
          error "QNN013" $"{path}.ActivationBits" $"{label} sets ActivationBits with Activation = {effective}; ActivationBits needs Activation.NBits"
      | _ -> ()
      if activation = Some Activation.NBits && bits.IsNone && spec.ActivationBits.IsNone then
          error "QNN013" $"{path}.ActivationBits" $"{label} uses Activation.NBits without ActivationBits; NBits needs ActivationBits = 1..31" ]

let private layerRules (spec: ModelSpec) =
    let lastDense = spec.Layers |> Array.tryFindIndexBack (function Dense _ -> true | Conv _ -> false)
    let firstDense = spec.Layers |> Array.tryFindIndex (function Dense _ -> true | Conv _ -> false)
    let checkLayer (shape: int[] option) (index: int, layer: LayerSpec) =
        let path = $"layers[{index}]"
        let name = Shapes.layerName index layer
        match layer with
        | Dense d ->
            let label = $"Dense {name}"
            let diagnostics =
                [ yield! positive $"{path}.Units" $"{label} units" d.Units
                  yield! weightRules path label d.Weights
                  yield! layerActivationRules spec path label (Some index = lastDense) d.Activation d.ActivationBits ]
            diagnostics, (if d.Units > 0 then Some [| d.Units |] else None)
        | Conv c ->
            let label = $"Conv {name}"
            let diagnostics =
                [ if spec.Kind <> ModelKind.Cnn then
                      error "QNN003" path $"{label} is in an MLP; Conv layers are only allowed in a [QuantizedCnn]"
                  match firstDense with
                  | Some f when f < index ->
                      error "QNN003" path $"{label} comes after a Dense layer; Conv layers must come before any Dense"
                  | _ -> ()
                  yield! positive $"{path}.Channels" $"{label} channels" c.Channels
                  yield! positive $"{path}.Kernel" $"{label} kernel" c.Kernel
                  yield! positive $"{path}.Stride" $"{label} stride" c.Stride
                  yield! positive $"{path}.Dilation" $"{label} dilation" c.Dilation
                  yield! positive $"{path}.Pool" $"{label} pool" c.Pool
                  if c.Padding < 0 then
                      error "QNN004" $"{path}.Padding" $"{label} padding is {c.Padding}; it must not be negative"
                  yield! weightRules path label c.Weights
                  yield! layerActivationRules spec path label false c.Activation c.ActivationBits ]
            let sizesValid =
                c.Channels > 0 && c.Kernel > 0 && c.Stride > 0 && c.Dilation > 0 && c.Pool > 0 && c.Padding >= 0
            match shape with
            | Some input when input.Length = 3 && sizesValid ->
                let groupRules =
                    [ if c.Groups <= 0 then
                          error "QNN004" $"{path}.Groups" $"{label} groups is {c.Groups}; it must be positive"
                      elif input.[0] % c.Groups <> 0 || c.Channels % c.Groups <> 0 then
                          error "QNN010" $"{path}.Groups"
                              $"{label} has Groups = {c.Groups}, which does not divide its {input.[0]} input and {c.Channels} output channels" ]
                let output = Shapes.convBlockOutput input c
                let emptyRule =
                    [ if output.[1] <= 0 || output.[2] <= 0 then
                          error "QNN009" path
                              $"{label} outputs {output.[1]}×{output.[2]} from a {input.[1]}×{input.[2]} input (kernel {c.Kernel}, stride {c.Stride}, padding {c.Padding}, dilation {c.Dilation}, pool {c.Pool}); a conv block's output must not be empty" ]
                diagnostics @ groupRules @ emptyRule, (if emptyRule.IsEmpty then Some output else None)
            | _ ->
                let groupRules =
                    [ if c.Groups <= 0 then
                          error "QNN004" $"{path}.Groups" $"{label} groups is {c.Groups}; it must be positive" ]
                diagnostics @ groupRules, None
    let start =
        match spec.Input with
        | Image i when i.Channels > 0 && i.Height > 0 && i.Width > 0 -> Some [| i.Channels; i.Height; i.Width |]
        | Features f when f.Count > 0 -> Some [| f.Count |]
        | _ -> None
    let perLayer, _ = spec.Layers |> Array.indexed |> Array.mapFold checkLayer start
    [ if lastDense.IsNone then
          error "QNN003" "layers" "the model has no Dense layer; it needs at least one (the last Dense is the output layer)"
      yield! List.concat perLayer ]

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
