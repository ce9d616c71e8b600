module Qnn.Tests.ShapeTests

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open TorchSharp
open Qnn
open Qnn.Tests.Models

[<Fact>]
let ``MiniMnistCnn flattens 6272 features with padding 1 and 4608 with padding 0`` () =
    Assert.Equal(6272, Spec.flattenedFeatures miniMnistCnn)
    Assert.Equal(4608, Spec.flattenedFeatures (miniMnistCnnWith 0))
    let stages = Spec.shapes miniMnistCnn |> Array.map (fun s -> s.Name, List.ofArray s.Shape) |> List.ofArray
    Assert.Equal<(string * int list) list>(
        [ "input", [ 1; 28; 28 ]
          "conv1", [ 16; 28; 28 ]
          "conv2", [ 32; 14; 14 ]
          "flatten", [ 6272 ]
          "fc3", [ 32 ]
          "fc4", [ 32 ]
          "fc5", [ 10 ] ],
        stages)

[<Fact>]
let ``an MLP's shapes are its layer widths`` () =
    let stages = Spec.shapes vertebralMlp |> Array.map (fun s -> s.Name, s.Shape.[0]) |> List.ofArray
    Assert.Equal<(string * int) list>([ "input", 6; "fc1", 32; "fc2", 32; "fc3", 3 ], stages)
    Assert.Equal(6, Spec.flattenedFeatures vertebralMlp)

[<Fact>]
let ``convolved sizes follow torch's formula`` () =
    Assert.Equal(28, Shapes.convolvedSize 28 3 1 1 1)
    Assert.Equal(26, Shapes.convolvedSize 28 3 1 0 1)
    Assert.Equal(8, Shapes.convolvedSize 17 3 2 1 2)
    Assert.Equal(0, Shapes.convolvedSize 2 5 1 0 1)
    Assert.Equal(1, Shapes.convolvedSize 5 5 3 0 1)

/// A random CNN spec: 1–3 conv blocks with random kernel, stride, padding, dilation, groups and
/// pool, then 1–2 Dense layers; only specs that validate are kept.
let private randomCnn: Gen<ModelSpec> =
    gen {
        let! channels = Gen.choose (1, 4)
        let! height = Gen.choose (3, 24)
        let! width = Gen.choose (3, 24)
        let! blockCount = Gen.choose (1, 3)
        let! blocks =
            Gen.listOfLength blockCount (
                gen {
                    let! groups = Gen.elements [ 1; 1; 2 ]
                    let! outMultiple = Gen.choose (1, 4)
                    let! kernel = Gen.choose (1, 4)
                    let! stride = Gen.choose (1, 3)
                    let! padding = Gen.choose (0, 2)
                    let! dilation = Gen.choose (1, 2)
                    let! pool = Gen.choose (1, 2)
                    let! weights = Gen.elements [ WeightQuant.None; WeightQuant.Binary; WeightQuant.Ternary ]
                    return
                        SpecDefaults.Conv(groups * outMultiple, kernel, stride, padding, dilation, groups, pool,
                                          SpecDefaults.Weights(weights))
                })
        let! hidden = Gen.choose (2, 9)
        let! classes = Gen.choose (2, 5)
        let layers = blocks @ [ SpecDefaults.Dense(hidden); SpecDefaults.Dense(classes) ]
        return SpecDefaults.Model("RandomCnn", ModelKind.Cnn, Image { Channels = channels; Height = height; Width = width; Bits = 8 }, layers)
    }
    |> Gen.filter (fun spec -> (Validation.errors spec).IsEmpty)

/// The shape each named stage outputs in a real forward pass: a conv block's output is that of
/// the last module numbered like it (conv, bn, act, pool).
let private observedShapes (network: QuantizedNetwork) (batch: int64) =
    let spec = network.Spec
    use _ = torch.NewDisposeScope()
    let first = Shapes.inputShape spec.Input |> Array.map int64
    let mutable x = torch.rand(Array.append [| batch |] first)
    let observed = Collections.Generic.Dictionary<string, int[]>()
    for name, layer in network.Layers do
        x <- layer.call x
        let shape = x.shape.[1..] |> Array.map int
        let digits = name |> String.filter Char.IsDigit
        if name = "flatten" then observed.["flatten"] <- shape
        elif digits <> "" then
            let stage = Shapes.layerName (int digits - 1) spec.Layers.[int digits - 1]
            observed.[stage] <- shape
    observed

[<Fact>]
let ``shapes equal a real forward pass for random valid CNN specs`` () =
    let property (spec: ModelSpec) =
        torch.manual_seed(1L) |> ignore
        use network = Spec.build spec
        network.eval()
        let observed = observedShapes network 2L
        Spec.shapes spec
        |> Array.filter (fun s -> s.Name <> "input")
        |> Array.forall (fun s -> observed.ContainsKey s.Name && observed.[s.Name] = s.Shape)
    Check.One(Config.QuickThrowOnFailure.WithMaxTest(120), Prop.forAll (Arb.fromGen randomCnn) property)
