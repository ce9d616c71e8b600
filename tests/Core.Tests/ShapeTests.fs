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
        return SpecDefaults.Model("RandomCnn", ModelKind.Cnn, Image { Channels = channels; Height = height; Width = width; Bits = 8; Downscale = 1 }, layers)
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

[<Fact>]
let ``MiniMnistCnn's stages are named, typed and shaped as the network runs them`` () =
    let stages =
        Spec.stages miniMnistCnn |> Array.map (fun s -> s.Name, s.Kind, s.Layer, List.ofArray s.Shape) |> List.ofArray
    Assert.Equal<(string * StageKind * int * int list) list>(
        [ "input", StageKind.Input, -1, [ 1; 28; 28 ]
          "conv1", StageKind.Conv, 0, [ 16; 28; 28 ]
          "bn1", StageKind.BatchNorm, 0, [ 16; 28; 28 ]
          "act1", StageKind.Activation, 0, [ 16; 28; 28 ]
          "conv2", StageKind.Conv, 1, [ 32; 28; 28 ]
          "bn2", StageKind.BatchNorm, 1, [ 32; 28; 28 ]
          "act2", StageKind.Activation, 1, [ 32; 28; 28 ]
          "pool2", StageKind.MaxPool, 1, [ 32; 14; 14 ]
          "flatten", StageKind.Flatten, 2, [ 6272 ]
          "fc3", StageKind.Dense, 2, [ 32 ]
          "bn3", StageKind.BatchNorm, 2, [ 32 ]
          "drop3", StageKind.Dropout, 2, [ 32 ]
          "act3", StageKind.Activation, 2, [ 32 ]
          "fc4", StageKind.Dense, 3, [ 32 ]
          "bn4", StageKind.BatchNorm, 3, [ 32 ]
          "drop4", StageKind.Dropout, 3, [ 32 ]
          "act4", StageKind.Activation, 3, [ 32 ]
          "fc5", StageKind.Dense, 4, [ 10 ]
          "bn5", StageKind.BatchNorm, 4, [ 10 ] ],
        stages)

[<Fact>]
let ``every stage is a module of the built network with the stage's output shape`` () =
    let property (spec: ModelSpec) =
        torch.manual_seed(1L) |> ignore
        use network = Spec.build spec
        network.eval()
        use _ = torch.NewDisposeScope()
        let mutable x = torch.rand(Array.append [| 2L |] (Shapes.inputShape spec.Input |> Array.map int64))
        let stages = Spec.stages spec
        stages.Length = network.Layers.Length
        && List.forall2
            (fun (stage: Stage) (name: string, layer: torch.nn.Module<torch.Tensor, torch.Tensor>) ->
                x <- layer.call x
                stage.Name = name && (x.shape.[1..] |> Array.map int) = stage.Shape)
            (List.ofArray stages)
            network.Layers
    Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), Prop.forAll (Arb.fromGen randomCnn) property)
