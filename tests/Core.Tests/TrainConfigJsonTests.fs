module Qnn.Tests.TrainConfigJsonTests

open Xunit
open TorchSharp
open Qnn

let private read json =
    match TrainConfigJson.read json with
    | Ok config -> config
    | Error e -> failwith e

let private error json =
    match TrainConfigJson.read json with
    | Ok _ -> failwith "expected an error"
    | Error e -> e

/// Devices are compared by name: torch.Device has reference equality.
let private sameConfig (expected: TrainConfig) (actual: TrainConfig) =
    Assert.Equal({ expected with Device = torch.CPU }, { actual with Device = torch.CPU })
    Assert.Equal(TrainConfigJson.deviceName expected.Device, TrainConfigJson.deviceName actual.Device)

[<Fact>]
let ``the default config writes every field and reads back equal`` () =
    let json = TrainConfigJson.toJson TrainConfig.Default
    for field in [ "\"epochs\": 15"; "\"batch_size\": 32"; "\"learning_rate\": 0.01"; "\"weight_decay\": 0.0001"; "\"optimizer\": \"adam\""
                   "\"momentum\": null"; "\"cosine_schedule\": false"; "\"patience\": 10"; "\"stop_on\": \"validation_loss\""
                   "\"restore_best\": true"; "\"seed\": 42"; "\"validation_split\": 0"; "\"augmentation\": null"; "\"clip_latent_weights\": true"; "\"recalibrate_batch_norm\": true"
                   "\"one_thread_for_small_models\": true"; "\"device\": \"cpu\"" ] do
        Assert.Contains(field, json)
    sameConfig TrainConfig.Default (read json)

[<Fact>]
let ``every other value of every field round-trips`` () =
    let changed =
        { Epochs = 3; BatchSize = 7; LearningRate = 0.123456789012345; WeightDecay = 0.0; Optimizer = SgdMomentum 0.5
          CosineSchedule = true; Patience = None; StopOn = TrainLoss; RestoreBest = false; Seed = 2147483647; ValidationSplit = 0.125
          Augmentation = Some { MaxShift = 3; MaxRotation = 7.5 }
          ClipLatentWeights = false; RecalibrateBatchNorm = false; OneThreadForSmallModels = false
          Device = torch.Device(DeviceType.CUDA, 1) }
    let back = read (TrainConfigJson.toJson changed)
    sameConfig changed back
    Assert.Equal("cuda:1", TrainConfigJson.deviceName back.Device)
    Assert.Equal(0.123456789012345, back.LearningRate)

[<Fact>]
let ``a record that lacks a field, adds one or breaks a rule is refused at the field`` () =
    let json = TrainConfigJson.toJson TrainConfig.Default
    Assert.Equal("$: missing field \"seed\"", error (json.Replace("\"seed\": 42,", "")))
    Assert.StartsWith("$.seeds: unknown field; expected one of: epochs, batch_size", error (json.Replace("\"seed\"", "\"seeds\"")))
    Assert.Equal("$.batch_size: 1; it must be at least 2 (BatchNorm needs two samples)", error (json.Replace("\"batch_size\": 32", "\"batch_size\": 1")))
    Assert.Equal("$.learning_rate: -0.5; it must be a finite number, 0 or more", error (json.Replace("\"learning_rate\": 0.01", "\"learning_rate\": -0.5")))
    Assert.StartsWith("$.weight_decay: ", error (json.Replace("\"weight_decay\": 0.0001", "\"weight_decay\": 1e999")))
    Assert.Equal("$.momentum: applies to \"sgd\" only; null for \"adam\"", error (json.Replace("\"momentum\": null", "\"momentum\": 0.9")))
    Assert.Equal("$.momentum: \"sgd\" needs a momentum", error (json.Replace("\"adam\"", "\"sgd\"")))
    Assert.Equal("$.momentum: 1; it must be in [0, 1)", error (json.Replace("\"adam\"", "\"sgd\"").Replace("\"momentum\": null", "\"momentum\": 1")))
    Assert.Equal("$.optimizer: \"lion\" is not one of: adam, sgd", error (json.Replace("\"adam\"", "\"lion\"")))
    Assert.Equal("$.device: \"tpu\" is not a device; expected cpu, cuda or cuda:N", error (json.Replace("\"cpu\"", "\"tpu\"")))
    Assert.Equal("$.patience: 0; it must be at least 1, or null for no early stopping", error (json.Replace("\"patience\": 10", "\"patience\": 0")))
    Assert.Equal("$.epochs: expected an integer, found 1.5", error (json.Replace("\"epochs\": 15", "\"epochs\": 1.5")))
    Assert.Equal("$.validation_split: 1; it must be in [0, 1)", error (json.Replace("\"validation_split\": 0", "\"validation_split\": 1")))
    Assert.StartsWith("not valid JSON", error "{")

[<Fact>]
let ``a record from before validation splits holds out nothing`` () =
    let json = (TrainConfigJson.toJson { TrainConfig.Default with Seed = 5 }).Replace("\"validation_split\": 0,", "")
    Assert.DoesNotContain("validation_split", json)
    let back = read json
    Assert.Equal(0.0, back.ValidationSplit)
    Assert.Equal(5, back.Seed)

[<Fact>]
let ``errors of a nested record name its whole path`` () =
    let json = (TrainConfigJson.toJson TrainConfig.Default).Replace("\"epochs\": 15", "\"epochs\": 0")
    match TrainConfigJson.readAt "$.provenance.training" json with
    | Error e -> Assert.Equal("$.provenance.training.epochs: 0; it must be at least 1", e)
    | Ok _ -> failwith "expected an error"

[<Fact>]
let ``fit refuses a config that breaks a rule, naming the field`` () =
    let bad = { TrainConfig.Default with BatchSize = 1; WeightDecay = -1.0 }
    let e = Assert.Throws<System.ArgumentException>(fun () -> Training.fit null bad Unchecked.defaultof<_> Unchecked.defaultof<_> 0 ignore |> ignore)
    Assert.StartsWith("batch_size is 1; it must be at least 2 (BatchNorm needs two samples); weight_decay is -1; it must be a finite number, 0 or more", e.Message)

[<Fact>]
let ``Trainer.Configure sets every field and keeps the rest`` () =
    let sgd = SgdMomentum 0.7
    let c =
        Trainer.Configure(TrainConfig.Default, epochs = 2, batchSize = 8, learningRate = 0.5, weightDecay = 0.0, patience = 0, seed = 9,
                          optimizer = sgd, cosineSchedule = true, stopOn = TrainLoss, restoreBest = false, clipLatentWeights = false,
                          recalibrateBatchNorm = false, oneThreadForSmallModels = false, validationSplit = 0.2, augmentShift = 1,
                          augmentRotation = 5.0, device = torch.META)
    sameConfig
        { Epochs = 2; BatchSize = 8; LearningRate = 0.5; WeightDecay = 0.0; Optimizer = sgd; CosineSchedule = true; Patience = None
          StopOn = TrainLoss; RestoreBest = false; Seed = 9; ValidationSplit = 0.2
          Augmentation = Some { MaxShift = 1; MaxRotation = 5.0 }; ClipLatentWeights = false; RecalibrateBatchNorm = false
          OneThreadForSmallModels = false; Device = torch.META }
        c
    sameConfig TrainConfig.Default (Trainer.Configure TrainConfig.Default)
