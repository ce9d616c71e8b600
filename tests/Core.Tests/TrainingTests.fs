module Qnn.Tests.TrainingTests

open System
open System.Diagnostics
open Xunit
open TorchSharp
open Qnn
open Qnn.Tests.TestSupport

let private data = blobs 17 3 8 200
let private trainSet, testSet = split 480 data

let private config = { TrainConfig.Default with Epochs = 15; Patience = None; Seed = 1; RestoreBest = false }

let private trainSpec (spec: ModelSpec) (config: TrainConfig) =
    torch.manual_seed(int64 config.Seed) |> ignore
    use network = Spec.build spec
    Training.fit network config trainSet testSet 0 ignore

[<Theory>]
[<InlineData(WeightQuant.None, Activation.Relu)>]
[<InlineData(WeightQuant.Binary, Activation.Binarize)>]
[<InlineData(WeightQuant.Binary, Activation.BinarizeReste)>]
[<InlineData(WeightQuant.Ternary, Activation.Binarize)>]
[<InlineData(WeightQuant.Ternary, Activation.Ternarize)>]
let ``float, binary and ternary MLPs reach 95% on a separable problem`` (weights: WeightQuant, activation: Activation) =
    let result = trainSpec (mlp 8 weights activation [ 32; 32 ] 3) config
    Assert.True(result.Accuracy >= 0.95, $"{weights}/{activation}: accuracy {result.Accuracy}")

[<Fact>]
let ``n-bit weights and activations learn (their gradient is not lost)`` () =
    let spec =
        { mlp 8 WeightQuant.None Activation.NBits [ 32; 32 ] 3 with
            ActivationBits = Some 2
            Layers = [| for units in [ 32; 32; 3 ] -> SpecDefaults.Dense(units, SpecDefaults.Weights(WeightQuant.NBits, 3)) |] }
    let result = trainSpec spec config
    Assert.True(result.Accuracy >= 0.95, $"accuracy {result.Accuracy}")
    Assert.True(result.History.[result.History.Length - 1].TrainLoss < result.History.[0].TrainLoss / 2.0, "loss falls")

[<Fact>]
let ``SGD with momentum and a cosine schedule train too`` () =
    let sgd = { config with Optimizer = SgdMomentum 0.9; LearningRate = 0.05; CosineSchedule = true }
    let result = trainSpec (mlp 8 WeightQuant.Binary Activation.Binarize [ 32 ] 3) sgd
    Assert.True(result.Accuracy >= 0.95, $"accuracy {result.Accuracy}")

[<Fact>]
let ``the same seed gives the same accuracies and losses`` () =
    let spec = mlp 8 WeightQuant.Binary Activation.BinarizeReste [ 16 ] 3
    let noisy = { config with Epochs = 4 }
    let first = trainSpec { spec with QMode = QMode.Stochastic; Dropout = 0.2 } noisy
    let second = trainSpec { spec with QMode = QMode.Stochastic; Dropout = 0.2 } noisy
    Assert.Equal(first.Accuracy, second.Accuracy)
    Assert.Equal<float[]>(first.History |> Array.map (fun e -> e.TrainLoss), second.History |> Array.map (fun e -> e.TrainLoss))
    let other = trainSpec spec { noisy with Seed = 2 }
    Assert.NotEqual<float[]>(first.History |> Array.map (fun e -> e.TrainLoss), other.History |> Array.map (fun e -> e.TrainLoss))

[<Fact>]
let ``the shuffle is a permutation that changes with the epoch`` () =
    let a = Training.shuffledOrder 5 1 100
    Assert.Equal<int64[]>(Array.init 100 int64, Array.sort a)
    Assert.NotEqual<int64[]>(a, Training.shuffledOrder 5 2 100)
    Assert.Equal<int64[]>(a, Training.shuffledOrder 5 1 100)

[<Fact>]
let ``early stopping ends patience epochs after the best one`` () =
    // With a learning rate of 0 the weights never change; the loss only wanders with the shuffle.
    let frozen = { config with Epochs = 100; LearningRate = 0.0; Patience = Some 3; StopOn = TrainLoss }
    let result = trainSpec (mlp 8 WeightQuant.Binary Activation.Binarize [ 16 ] 3) frozen
    Assert.True(result.StoppedEarly)
    Assert.Equal(result.BestEpoch + 3, result.History.Length)
    let best = result.History |> Array.minBy (fun e -> e.TrainLoss)
    Assert.Equal(best.Epoch, result.BestEpoch)

[<Fact>]
let ``restoring the best weights gives the best epoch's accuracy exactly`` () =
    let restoring = { config with Epochs = 12; LearningRate = 0.05; RestoreBest = true; RecalibrateBatchNorm = false }
    let result = trainSpec (mlp 8 WeightQuant.Binary Activation.Binarize [ 16 ] 3) restoring
    let best = result.History.[result.BestEpoch - 1]
    Assert.Equal(best.TestAccuracy, result.Accuracy)
    Assert.Equal(best.TestLoss, result.TestLoss, 6)
    Assert.Equal(None, result.DivergedAtEpoch)
    Assert.Equal(result.History |> Array.map (fun e -> e.TestLoss) |> Array.min, best.TestLoss)

[<Fact>]
let ``progress reports every epoch in order`` () =
    let seen = Collections.Generic.List<EpochRecord>()
    torch.manual_seed(1L) |> ignore
    use network = Spec.build (mlp 8 WeightQuant.Binary Activation.Binarize [ 16 ] 3)
    let result = Training.fit network { config with Epochs = 5 } trainSet testSet 7 seen.Add
    Assert.Equal<int list>([ 1 .. 5 ], seen |> Seq.map (fun e -> e.Epoch) |> List.ofSeq)
    Assert.True(seen |> Seq.forall (fun e -> e.Run = 7 && e.Seconds > 0.0 && e.TestAccuracy >= 0.0 && e.TestAccuracy <= 1.0))
    Assert.Equal<EpochRecord[]>(seen.ToArray(), result.History)

[<Fact>]
let ``repeat runs report each accuracy with max, mean and population std`` () =
    let spec = mlp 8 WeightQuant.Binary Activation.Binarize [ 8 ] 3
    let runs () = Training.repeatRuns 3 (fun () -> Spec.build spec) { config with Epochs = 2 } trainSet testSet ignore
    let result = runs ()
    Assert.Equal(3, result.Accuracies.Length)
    Assert.Equal<int[]>([| 1; 2; 3 |], result.Runs |> Array.map (fun r -> r.Seed))
    let mean = Array.average result.Accuracies
    Assert.Equal(mean, result.Mean, 12)
    Assert.Equal(Array.max result.Accuracies, result.Max)
    Assert.Equal(sqrt (result.Accuracies |> Array.averageBy (fun a -> (a - mean) ** 2.0)), result.Std, 12)
    Assert.Equal<float[]>(result.Accuracies, (runs ()).Accuracies)

[<Fact>]
let ``process memory stays flat over 300 epochs`` () =
    let small = blobs 3 3 6 100
    let smallTrain, smallTest = split 240 small
    torch.manual_seed(1L) |> ignore
    use network = Spec.build (mlp 6 WeightQuant.Binary Activation.BinarizeReste [ 32; 32 ] 3)
    let epochs n = Training.fit network { config with Epochs = n; RestoreBest = true } smallTrain smallTest 0 ignore |> ignore
    epochs 20
    GC.Collect()
    GC.WaitForPendingFinalizers()
    let before = Process.GetCurrentProcess().WorkingSet64
    epochs 300
    GC.Collect()
    GC.WaitForPendingFinalizers()
    let growth = Process.GetCurrentProcess().WorkingSet64 - before
    Assert.True(growth < 50L * 1024L * 1024L, $"grew by {growth / 1024L / 1024L} MB")

[<Fact>]
let ``no tensor outlives its epoch: the live count grows with fits, not with epochs`` () =
    torch.manual_seed(1L) |> ignore
    use network = Spec.build (mlp 8 WeightQuant.Binary Activation.Binarize [ 16 ] 3)
    let liveAfter epochs =
        DisposeScopeManager.Statistics.Reset()
        Training.fit network { config with Epochs = epochs; RestoreBest = true } trainSet testSet 0 ignore |> ignore
        DisposeScopeManager.Statistics.ThreadTotalLiveCount
    liveAfter 2 |> ignore
    let short = liveAfter 3
    let long = liveAfter 30
    Assert.Equal(short, long)

[<Fact>]
let ``BatchNorm recalibration sets running statistics to the training set's with the final weights`` () =
    torch.manual_seed(4L) |> ignore
    use network = Spec.build (mlp 8 WeightQuant.Binary Activation.Binarize [ 16 ] 3)
    Training.fit network { config with Epochs = 2; RecalibrateBatchNorm = false } trainSet testSet 0 ignore |> ignore
    Training.recalibrateBatchNorm network trainSet 48
    // The first BatchNorm sees fc1's output: its running mean is now that output's mean over the
    // 480 training samples (10 batches of 48: the mean of batch means is the overall mean).
    network.eval()
    let fc1Output =
        use _ = torch.no_grad()
        network.Layers |> List.take 2 |> List.fold (fun x (_, layer) -> layer.call x) trainSet.Features
    let bn1 = network.Layers |> List.find (fun (n, _) -> n = "bn1") |> snd :?> TorchSharp.Modules.BatchNorm1d
    assertClose 1e-4 (values (fc1Output.mean([| 0L |])) |> Array.map float) (values bn1.running_mean)
    Assert.Equal(Nullable 0.1, bn1.momentum)

[<Fact>]
let ``a loss that stops being finite ends training with the epoch and the best weights restored`` () =
    // A float MLP trains normally for two epochs; then one of its weights is set to infinity, so
    // epoch 3's loss is NaN: training must stop there and say so, with the best epoch's weights back.
    let spec = mlp 8 WeightQuant.None Activation.Relu [ 16 ] 3
    let restoring = { config with Epochs = 10; RestoreBest = true; RecalibrateBatchNorm = false; StopOn = TrainLoss }
    torch.manual_seed(int64 restoring.Seed) |> ignore
    use network = Spec.build spec
    let poison (record: EpochRecord) =
        if record.Epoch = 2 then
            use _ = torch.no_grad()
            (network.parameters() |> Seq.head).fill_(Double.PositiveInfinity) |> ignore
    let result = Training.fit network restoring trainSet testSet 0 poison
    Assert.Equal(Some 3, result.DivergedAtEpoch)
    Assert.True(result.Diverged)
    Assert.Equal(3, result.History.Length)
    Assert.True(Double.IsNaN result.History.[2].TrainLoss || Double.IsInfinity result.History.[2].TrainLoss)
    Assert.InRange(result.BestEpoch, 1, 2)
    Assert.False(result.StoppedEarly)
    // The restored weights are finite and give the best epoch's accuracy.
    for p in network.parameters() do
        Assert.True(p.isfinite().all().item<bool>(), "a restored parameter is not finite")
    Assert.Equal(result.History.[result.BestEpoch - 1].TestAccuracy, result.Accuracy)

[<Fact>]
let ``a huge learning rate diverges and is reported, not trained through`` () =
    let reckless = { config with Epochs = 10; LearningRate = 1e30; Optimizer = SgdMomentum 0.0; WeightDecay = 0.0 }
    let result = trainSpec (mlp 8 WeightQuant.None Activation.Relu [ 16 ] 3) reckless
    let epoch = Assert.Single(Option.toList result.DivergedAtEpoch)
    Assert.Equal(epoch, result.History.Length)
    let last = result.History.[epoch - 1].TrainLoss
    Assert.True(Double.IsNaN last || Double.IsInfinity last, $"last loss {last}")
    Assert.True(result.History |> Array.take (epoch - 1) |> Array.forall (fun e -> Double.IsFinite e.TrainLoss))
