module Qnn.Tests.JsonTests

open Xunit
open Qnn
open Qnn.Tests.Models

let private roundTrip spec =
    match Spec.ofJson (Spec.toJson spec) with
    | Ok read -> read
    | Error e -> failwith e

[<Fact>]
let ``specs round-trip through JSON`` () =
    let perFeature =
        { vertebralMlp with
            Input = Features { Count = 6; Bits = 32; FeatureBits = Some [| 8; 8; 8; 8; 16; 16 |] }
            Layers = [| SpecDefaults.Dense(16, SpecDefaults.Weights(WeightQuant.NBits, 4), Activation.NBits, 2); SpecDefaults.Dense(3) |]
            QMode = QMode.Stochastic }
    let grouped =
        { miniMnistCnn with
            Layers =
                Array.append
                    [| SpecDefaults.Conv(8, kernel = 3, stride = 2, padding = 1, dilation = 2, groups = 1, pool = 2,
                                         weights = SpecDefaults.Weights(WeightQuant.Binary, scaled = true)) |]
                    miniMnistCnn.Layers.[1..] }
    for spec in [ vertebralMlp; miniMnistCnn; perFeature; grouped ] do
        Assert.Equal(spec, roundTrip spec)

[<Fact>]
let ``a hand-written spec fills in the DSL defaults`` () =
    let json = """{ "kind": "mlp", "input": { "features": 6, "bits": 16 },
                    "layers": [ { "dense": 32, "weights": "binary" }, { "dense": 3 } ] }"""
    match Spec.ofJson json with
    | Error e -> failwith e
    | Ok spec ->
        Assert.Equal(Activation.Binarize, spec.Activation)
        Assert.Equal(3.0, spec.ResteO)
        Assert.Equal(WeightQuant.Binary, (match spec.Layers.[0] with Dense d -> d.Weights.Mode | _ -> WeightQuant.None))
        Assert.Empty(Spec.validate spec)

[<Theory>]
[<InlineData("""{ "kind": "mlp", "input": { "features": 6 }, "layers": [ { "dense": 3, "wieghts": "Binary" } ] }""", "$.layers[0].wieghts: unknown field")>]
[<InlineData("""{ "kind": "mlp", "input": { "features": 6 }, "layers": [ { "dense": "3" } ] }""", "$.layers[0].dense: expected an integer, found String")>]
[<InlineData("""{ "kind": "mlp", "input": { "features": 6 }, "layers": [ { "dense": 3, "weights": "Quaternary" } ] }""", "\"Quaternary\" is not a WeightQuant; expected one of: None, NBits, Binary, Ternary")>]
[<InlineData("""{ "kind": "mlp", "input": { "features": 6 } }""", "$: missing field \"layers\"")>]
[<InlineData("""{ "kind": "rnn", "input": { "features": 6 }, "layers": [] }""", "$.kind: expected \"mlp\" or \"cnn\"")>]
[<InlineData("""{ "kind": "mlp", "input": { "features": 6 }, "layers": [ { "units": 3 } ] }""", "$.layers[0].units: unknown field")>]
[<InlineData("""{ "kind": "mlp", "input": { "features": 6 }, "layers": [ """, "not valid JSON")>]
[<InlineData("""[ 1, 2 ]""", "$: expected an object, found Array")>]
let ``malformed specs say what is wrong and where`` (json: string, expected: string) =
    match Spec.ofJson json with
    | Ok _ -> failwith "expected an error"
    | Error message -> Assert.Contains(expected, message)
