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

[<Fact>]
let ``the reader's defaults are the DSL's defaults, as SpecDefaults and the attributes have them`` () =
    let json = """{ "name": "Defaults", "kind": "cnn", "input": { "height": 8, "width": 8 },
                    "layers": [ { "conv": 4 }, { "dense": 2 } ] }"""
    match Spec.ofJson json with
    | Error e -> failwith e
    | Ok spec ->
        let expected = SpecDefaults.Model("Defaults", ModelKind.Cnn, SpecDefaults.Image(8, 8), [ SpecDefaults.Conv(4); SpecDefaults.Dense(2) ])
        Assert.Equal(expected, spec)
        let model = QuantizedCnnAttribute()
        let conv = ConvAttribute(4)
        let image = ImageInputAttribute()
        Assert.Equal((model.Activation, model.QMode, model.Dropout, model.ResteO), (spec.Activation, spec.QMode, spec.Dropout, spec.ResteO))
        Assert.Equal((model.ResteThreshold, model.SwishBeta, model.TernaryThreshold), (spec.ResteThreshold, spec.SwishBeta, spec.TernaryThreshold))
        Assert.Equal(Image { Channels = image.Channels; Height = 8; Width = 8; Bits = image.Bits; Downscale = 1 }, spec.Input)
        match spec.Layers.[0] with
        | Conv c ->
            Assert.Equal((conv.Kernel, conv.Stride, conv.Padding, conv.Dilation, conv.Groups, conv.Pool), (c.Kernel, c.Stride, c.Padding, c.Dilation, c.Groups, c.Pool))
            Assert.Equal((conv.Weights, conv.Scaled), (c.Weights.Mode, c.Weights.Scaled))
        | other -> failwithf "expected a conv block, got %A" other
        Assert.Equal((5.0, 8, 32), (DslDefaults.SwishBeta, DslDefaults.ImageBits, InputAttribute(3).Bits))

[<Theory>]
[<InlineData("""{ "kind": "mlp", "input": { "features": 6 }, "layers": [ { "dense": 3, "wieghts": "Binary" } ] }""", "$.layers[0].wieghts: unknown field")>]
[<InlineData("""{ "kind": "mlp", "input": { "features": 6 }, "layers": [ { "dense": "3" } ] }""", "$.layers[0].dense: expected an integer, found String")>]
[<InlineData("""{ "kind": "mlp", "input": { "features": 6 }, "layers": [ { "dense": 3, "weights": "Quaternary" } ] }""", "\"Quaternary\" is not a WeightQuant; expected one of: None, NBits, Binary, Ternary")>]
[<InlineData("""{ "kind": "mlp", "input": { "features": 6 } }""", "$: missing field \"layers\"")>]
[<InlineData("""{ "kind": "rnn", "input": { "features": 6 }, "layers": [] }""", "$.kind: expected \"mlp\" or \"cnn\"")>]
[<InlineData("""{ "kind": "mlp", "input": { "features": 6 }, "layers": [ { "units": 3 } ] }""", "$.layers[0].units: unknown field")>]
[<InlineData("""{ "kind": "mlp", "input": { "features": 6 }, "layers": [ """, "not valid JSON")>]
[<InlineData("""[ 1, 2 ]""", "$: expected an object, found Array")>]
[<InlineData("""{ "kind": "mlp", "kind": "cnn", "input": { "features": 6 }, "layers": [ { "dense": 3 } ] }""", "$.kind: duplicate key \"kind\"")>]
[<InlineData("""{ "kind": "mlp", "input": { "features": 6, "bits": 8, "bits": 4 }, "layers": [ { "dense": 3 } ] }""", "$.input.bits: duplicate key \"bits\"")>]
[<InlineData("""{ "kind": "mlp", "input": { "features": 6 }, "layers": [ { "dense": 3 }, { "dense": 3, "dense": 1000000 } ] }""", "$.layers[1].dense: duplicate key \"dense\"")>]
[<InlineData("""{ "kind": "cnn", "input": { "height": 8, "width": 8 }, "layers": [ { "conv": 4, "pool": 2, "pool": 1 }, { "dense": 3 } ] }""", "$.layers[0].pool: duplicate key \"pool\"")>]
let ``malformed specs say what is wrong and where`` (json: string, expected: string) =
    match Spec.ofJson json with
    | Ok _ -> failwith "expected an error"
    | Error message -> Assert.Contains(expected, message)

[<Fact>]
let ``a number beyond the double range reads as infinity and validation refuses it`` () =
    let json = """{ "name": "Far", "kind": "mlp", "resteO": 1e400, "resteThreshold": -1e400, "input": { "features": 6 }, "layers": [ { "dense": 3 } ] }"""
    match Spec.ofJson json with
    | Error e -> failwith e
    | Ok spec ->
        Assert.Equal(infinity, spec.ResteO)
        Assert.Equal(-infinity, spec.ResteThreshold)
        let messages = Spec.validate spec |> List.map (fun d -> $"{d.Code} {d.Path}: {d.Message}")
        Assert.Contains("QNN008 ResteO: ResteO is Infinity; ReSTE needs o >= 1 and threshold > 0", messages)
        Assert.Contains("QNN008 ResteThreshold: ResteThreshold is -Infinity; ReSTE needs o >= 1 and threshold > 0", messages)
