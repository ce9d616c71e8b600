/// The rules of docs/diagnostics, checked on a spec: the rule book's `ModelChecker`
/// (src/Rules/Checking), which the source generator runs on declarations too, so both report the
/// same codes, severities and message texts; here each finding's site becomes a spec path
/// (`layers[2].Bits`). QNN001 (partial) and QNN011 (generic or derived class) concern C# classes
/// and only the generator reports them.
module Qnn.Validation

open System

/// One rule of the catalogue: its code, severity, title and message format (the rule book's,
/// src/Rules/Diagnostics/RuleCatalog.cs).
type Rule = Qnn.Rules.Rule

/// Every rule, one per code and severity, in code order.
let rules: Rule list = List.ofSeq Qnn.Rules.RuleCatalog.All

/// Every broken rule of the spec, errors and warnings, in declaration order.
let validate (spec: ModelSpec) : SpecDiagnostic list =
    Qnn.Rules.ModelChecker.Check(Facts.ofSpec spec)
    |> Seq.map (fun f -> { Code = f.Code; IsError = f.IsError; Path = f.Site.Path; Message = f.Message })
    |> List.ofSeq

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
