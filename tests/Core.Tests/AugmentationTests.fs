module Qnn.Tests.AugmentationTests

open System
open Xunit
open TorchSharp
open Qnn
open Qnn.Tests.TestSupport

/// A 1×1×5×5 image holding `value` at (row, column) and 0 elsewhere.
let private dot (row: int) (column: int) (value: float32) =
    let pixels = Array.zeroCreate<float32> 25
    pixels.[row * 5 + column] <- value
    torch.tensor(pixels).reshape(1L, 1L, 5L, 5L)

let private pixels (image: torch.Tensor) = image.reshape(-1L).data<float32>().ToArray()

let private assertOnly (row: int) (column: int) (value: float32) (image: torch.Tensor) =
    pixels image |> Array.iteri (fun i v -> Assert.Equal((if i = row * 5 + column then float value else 0.0), float v, 3))

[<Fact>]
let ``a shift of whole pixels moves every pixel exactly, and what comes in is 0`` () =
    use image = dot 2 2 200.0f
    use right = Augmentation.transform [| 0.0, 1, 0 |] image
    assertOnly 2 3 200.0f right
    use downLeft = Augmentation.transform [| 0.0, -2, 1 |] image
    assertOnly 3 0 200.0f downLeft
    use edge = dot 0 4 9.0f
    use out = Augmentation.transform [| 0.0, 1, 0 |] edge
    Assert.All(pixels out, fun v -> Assert.Equal(0.0, float v, 6))

[<Fact>]
let ``a rotation turns the image about its centre`` () =
    use image = dot 1 2 50.0f
    use half = Augmentation.transform [| 180.0, 0, 0 |] image
    assertOnly 3 2 50.0f half
    use none = Augmentation.transform [| 0.0, 0, 0 |] image
    assertOnly 1 2 50.0f none

[<Fact>]
let ``draws repeat for the same seed, epoch and position, stay in range and cover it`` () =
    let augmentation = { MaxShift = 2; MaxRotation = 10.0 }
    let draws = [| for p in 0 .. 999 -> Augmentation.draw augmentation 7 3 p |]
    Assert.Equal<(float * int * int)[]>(draws, [| for p in 0 .. 999 -> Augmentation.draw augmentation 7 3 p |])
    Assert.NotEqual<(float * int * int)[]>(draws, [| for p in 0 .. 999 -> Augmentation.draw augmentation 7 4 p |])
    Assert.NotEqual<(float * int * int)[]>(draws, [| for p in 0 .. 999 -> Augmentation.draw augmentation 8 3 p |])
    Assert.All(draws, fun (r, x, y) -> Assert.True(abs r <= 10.0 && abs x <= 2 && abs y <= 2))
    Assert.Equal<int[]>([| -2 .. 2 |], draws |> Array.map (fun (_, x, _) -> x) |> Array.distinct |> Array.sort)
    Assert.Equal<int[]>([| -2 .. 2 |], draws |> Array.map (fun (_, _, y) -> y) |> Array.distinct |> Array.sort)
    Assert.True(draws |> Array.exists (fun (r, _, _) -> r > 9.0) && draws |> Array.exists (fun (r, _, _) -> r < -9.0))

/// Twelve 8×8 "images" of three classes: a bright bar in a class's own rows.
let private bars (seed: int) (count: int) =
    let random = Random(seed)
    let labels = Array.init count (fun i -> int64 (i % 3))
    let pixels =
        [| for label in labels do
               for row in 0 .. 7 do
                   for _ in 0 .. 7 ->
                       float32 (if row / 3 = int label then 200.0 + random.NextDouble() * 50.0 else random.NextDouble() * 30.0) |]
    { Features = torch.tensor(pixels).reshape(int64 count, 1L, 8L, 8L); Labels = torch.tensor(labels) }

[<Fact>]
let ``training with augmentation repeats for its seed, differs without it, and refuses features`` () =
    let spec =
        match Spec.ofJson """{ "name": "Bars", "kind": "cnn", "input": { "channels": 1, "height": 8, "width": 8, "bits": 8 },
                          "layers": [ { "conv": 4, "kernel": 3, "padding": 1, "pool": 2, "weights": "Binary" }, { "dense": 3, "weights": "Binary" } ] }""" with
        | Ok spec -> spec
        | Error e -> failwithf "%A" e
    let train, test = bars 1 96, bars 2 30
    let run (augmentation: ImageAugmentation option) =
        let config = { TrainConfig.Default with Epochs = 3; Seed = 4; BatchSize = 16; Augmentation = augmentation }
        torch.manual_seed 4L |> ignore
        use network = Spec.build spec
        Training.fit network config train test 0 ignore
    let losses (r: RunResult) = r.History |> Array.map (fun e -> e.TrainLoss)
    let moved = Some { MaxShift = 1; MaxRotation = 15.0 }
    let first, again, plain = run moved, run moved, run None
    Assert.Equal<float[]>(losses first, losses again)
    Assert.Equal(first.Accuracy, again.Accuracy)
    Assert.NotEqual<float[]>(losses first, losses plain)
    let features = { TrainConfig.Default with Augmentation = moved }
    let tabular = blobs 1 3 4 10
    use network = Spec.build (mlp 4 WeightQuant.Binary Activation.Binarize [ 8 ] 3)
    let e = Assert.Throws<ArgumentException>(fun () -> Training.fit network features tabular tabular 0 ignore |> ignore)
    Assert.StartsWith("augmentation shifts and rotates images ([N, C, H, W]); these features are [30, 4]", e.Message)

[<Fact>]
let ``augmentation is recorded, read back and checked`` () =
    let config = { TrainConfig.Default with Augmentation = Some { MaxShift = 2; MaxRotation = 12.5 } }
    let json = TrainConfigJson.toJson config
    Assert.Contains("\"augmentation\": {", json)
    match TrainConfigJson.read json with
    | Ok back -> Assert.Equal(config.Augmentation, back.Augmentation)
    | Error e -> failwith e
    let error (text: string) = match TrainConfigJson.read text with Error e -> e | Ok _ -> failwith "expected an error"
    Assert.Equal("$.augmentation.max_shift: 65; it must be 0 to 64 pixels", error (json.Replace("\"max_shift\": 2", "\"max_shift\": 65")))
    Assert.Equal("$.augmentation: shifts and rotates nothing; null for no augmentation", error (json.Replace("\"max_shift\": 2", "\"max_shift\": 0").Replace("12.5", "0")))
    let old = (TrainConfigJson.toJson TrainConfig.Default).Replace("\"augmentation\": null,", "")
    match TrainConfigJson.read old with
    | Ok back -> Assert.Equal(None, back.Augmentation)
    | Error e -> failwith e
    let c = Trainer.Configure(config, augmentShift = 0)
    Assert.Equal(Some { MaxShift = 0; MaxRotation = 12.5 }, c.Augmentation)
    Assert.Equal(None, Trainer.Configure(c, augmentRotation = 0.0).Augmentation)
