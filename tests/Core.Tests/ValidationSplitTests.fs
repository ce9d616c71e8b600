module Qnn.Tests.ValidationSplitTests

open System
open Xunit
open TorchSharp
open Qnn
open Qnn.Tests.TestSupport

let private data = blobs 17 3 8 200
let private trainSet, testSet = split 480 data

[<Fact>]
let ``a hold-out takes each class's share, drawn by the seed, apart from the rows kept`` () =
    let labels = Array.concat [ Array.create 10 0L; Array.create 20 1L; Array.create 5 2L; [| 0L; 1L |] ]
    let kept, held = Training.holdOutRows 0.2 3 labels
    // round(0.2 · 11) = 2 zeros, round(0.2 · 21) = 4 ones, round(0.2 · 5) = 1 two.
    Assert.Equal<int64[]>([| 2L; 4L; 1L |], [| 0L; 1L; 2L |] |> Array.map (fun c -> held |> Array.filter (fun r -> labels.[int r] = c) |> Array.length |> int64))
    Assert.Equal<int64[]>(Array.init labels.Length int64, Array.sort (Array.append kept held))
    Assert.Equal<int64[]>(Array.sort held, held)
    Assert.Equal<int64[]>(Array.sort kept, kept)
    Assert.Equal<int64[]>(held, snd (Training.holdOutRows 0.2 3 labels))
    Assert.NotEqual<int64[]>(held, snd (Training.holdOutRows 0.2 4 labels))
    // A class of one row stays in training; a fraction of 0 holds out nothing.
    Assert.Empty(snd (Training.holdOutRows 0.5 1 [| 0L; 1L; 1L |]) |> Array.filter ((=) 0L))
    Assert.Empty(snd (Training.holdOutRows 0.0 1 labels))

[<Fact>]
let ``the held-out rows are the training set's own, and a split that leaves no side is refused`` () =
    let kept, held = Training.holdOut 0.25 7 trainSet
    Assert.Equal(trainSet.Count, kept.Count + held.Count)
    // Each class's round(0.25 · its count).
    let perClass = trainSet.Labels.data<int64>().ToArray() |> Array.countBy id |> Array.sumBy (fun (_, n) -> int (Math.Round(0.25 * float n, MidpointRounding.AwayFromZero)))
    Assert.Equal(perClass, held.Count)
    Assert.InRange(held.Count, 117, 123)
    use firstHeld = held.Features.narrow(0L, 0L, 1L)
    let row = firstHeld.data<float32>().ToArray()
    use all = trainSet.Features.reshape(int64 trainSet.Count, -1L)
    let rows = all.data<float32>().ToArray() |> Array.chunkBySize row.Length
    Assert.Contains(row, rows)
    for t in [ kept.Features; kept.Labels; held.Features; held.Labels ] do t.Dispose()
    let tiny = { Features = trainSet.Features.narrow(0L, 0L, 2L); Labels = torch.tensor([| 0L; 1L |]) }
    let e = Assert.Throws<ArgumentException>(fun () -> Training.holdOut 0.5 1 tiny |> ignore)
    Assert.StartsWith("a validation split of 0.5 of 2 training samples leaves 2 to train on and 0 to validate", e.Message)

[<Fact>]
let ``with a validation split the test set chooses nothing: the same epochs, weights and best epoch whatever its labels`` () =
    let spec = mlp 8 WeightQuant.Binary Activation.Binarize [ 16 ] 3
    let config = { TrainConfig.Default with Epochs = 8; Patience = Some 2; Seed = 3; ValidationSplit = 0.25 }
    use shifted = testSet.Labels + 1L
    use wrong = shifted.remainder(Scalar.op_Implicit 3L)
    let relabelled = { testSet with Labels = wrong }
    let run (test: TensorDataset) =
        torch.manual_seed 3L |> ignore
        use network = Spec.build spec
        Training.fit network config trainSet test 0 ignore
    let real, other = run testSet, run relabelled
    Assert.Equal(real.BestEpoch, other.BestEpoch)
    Assert.Equal(real.History.Length, other.History.Length)
    Assert.Equal<float[]>(real.History |> Array.map (fun e -> e.TrainLoss), other.History |> Array.map (fun e -> e.TrainLoss))
    // The test set is still what the accuracy is scored on.
    Assert.True(real.Accuracy > 0.9, $"accuracy {real.Accuracy}")
    Assert.True(other.Accuracy < 0.2, $"accuracy on shifted labels {other.Accuracy}")
    // Without a split the test set is the validation set, and its losses decide.
    let watchingTest = { config with ValidationSplit = 0.0 }
    torch.manual_seed 3L |> ignore
    use network = Spec.build spec
    let plain = Training.fit network watchingTest trainSet relabelled 0 ignore
    Assert.NotEqual<float[]>(real.History |> Array.map (fun e -> e.TrainLoss), plain.History |> Array.map (fun e -> e.TrainLoss))
