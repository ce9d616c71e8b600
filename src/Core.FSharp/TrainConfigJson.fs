/// A `TrainConfig` as JSON: how a result was trained, recorded in `qnn train --json` results,
/// saved models and search studies, and read back by `qnn train --like`. Every field is written;
/// reading wants every field (a record that lacks one cannot say how it was made) except
/// `validation_split` and `augmentation`, which records from before them lack (they held nothing
/// out and did not augment), and checks
/// the values with `TrainConfigRules`:
///
///   { "epochs": 15, "batch_size": 32, "learning_rate": 0.01, "weight_decay": 0.0001,
///     "optimizer": "adam", "momentum": null, "cosine_schedule": false, "patience": 10,
///     "stop_on": "validation_loss", "restore_best": true, "seed": 42, "validation_split": 0,
///     "augmentation": null, "clip_latent_weights": true, "recalibrate_batch_norm": true, "one_thread_for_small_models": true, "device": "cpu" }
///
/// `momentum` is SGD's (null for Adam), `patience` null turns early stopping off, `device` is
/// "cpu", "cuda" or "cuda:N".
module Qnn.TrainConfigJson

open System
open System.IO
open System.Text
open System.Text.Json
open TorchSharp
open Qnn.JsonReading

let private fields =
    [ "epochs"; "batch_size"; "learning_rate"; "weight_decay"; "optimizer"; "momentum"; "cosine_schedule"; "patience"
      "stop_on"; "restore_best"; "seed"; "validation_split"; "augmentation"; "clip_latent_weights"; "recalibrate_batch_norm"; "one_thread_for_small_models"; "device" ]

/// The device as the record names it.
let deviceName (device: torch.Device) =
    match device.``type`` with
    | DeviceType.CPU -> "cpu"
    | DeviceType.CUDA when device.index >= 0 -> $"cuda:{device.index}"
    | DeviceType.CUDA -> "cuda"
    | other -> other.ToString().ToLowerInvariant()

let private readDevice path (e: JsonElement) =
    let name = text path e
    match name.ToLowerInvariant() with
    | "cpu" -> torch.CPU
    | "cuda" -> torch.Device(DeviceType.CUDA)
    | cuda when cuda.StartsWith "cuda:" ->
        match Int32.TryParse(cuda.Substring 5, Globalization.NumberStyles.None, Globalization.CultureInfo.InvariantCulture) with
        | true, index when index < 1024 -> torch.Device(DeviceType.CUDA, index)
        | _ -> fail path $"\"{name}\" is not a device; expected cpu, cuda or cuda:N"
    | _ -> fail path $"\"{name}\" is not a device; expected cpu, cuda or cuda:N"

/// Writes the config as an object: the value of a property (after `WritePropertyName`) or of an array item.
let write (w: Utf8JsonWriter) (config: TrainConfig) =
    w.WriteStartObject()
    w.WriteNumber("epochs", config.Epochs)
    w.WriteNumber("batch_size", config.BatchSize)
    w.WriteNumber("learning_rate", config.LearningRate)
    w.WriteNumber("weight_decay", config.WeightDecay)
    match config.Optimizer with
    | Adam ->
        w.WriteString("optimizer", "adam")
        w.WriteNull("momentum")
    | SgdMomentum m ->
        w.WriteString("optimizer", "sgd")
        w.WriteNumber("momentum", m)
    w.WriteBoolean("cosine_schedule", config.CosineSchedule)
    match config.Patience with
    | Some p -> w.WriteNumber("patience", p)
    | None -> w.WriteNull("patience")
    w.WriteString("stop_on", (match config.StopOn with ValidationLoss -> "validation_loss" | TrainLoss -> "train_loss"))
    w.WriteBoolean("restore_best", config.RestoreBest)
    w.WriteNumber("seed", config.Seed)
    w.WriteNumber("validation_split", config.ValidationSplit)
    match config.Augmentation with
    | Some a ->
        w.WriteStartObject("augmentation")
        w.WriteNumber("max_shift", a.MaxShift)
        w.WriteNumber("max_rotation", a.MaxRotation)
        w.WriteEndObject()
    | None -> w.WriteNull("augmentation")
    w.WriteBoolean("clip_latent_weights", config.ClipLatentWeights)
    w.WriteBoolean("recalibrate_batch_norm", config.RecalibrateBatchNorm)
    w.WriteBoolean("one_thread_for_small_models", config.OneThreadForSmallModels)
    w.WriteString("device", deviceName config.Device)
    w.WriteEndObject()

/// The config as indented JSON text.
let toJson (config: TrainConfig) : string =
    use buffer = new MemoryStream()
    (
        use w = new Utf8JsonWriter(buffer, JsonWriterOptions(Indented = true))
        write w config
    )
    Encoding.UTF8.GetString(buffer.ToArray())

let private readAugmentation path (e: JsonElement) : ImageAugmentation =
    let props = properties path [ "max_shift"; "max_rotation" ] e
    { MaxShift = required props path "max_shift" integer
      MaxRotation = required props path "max_rotation" number }

/// Reads the config object at `path`; a format error or a broken rule raises the reader's error
/// naming the field (`$.training.batch_size: 1; it must be at least 2 …`).
let internal readElement (path: string) (e: JsonElement) : TrainConfig =
    let props = properties path fields e
    let optimizer = required props path "optimizer" (choice [ "adam"; "sgd" ])
    let momentum = requiredOrNull props path "momentum" number
    let config =
        { Epochs = required props path "epochs" integer
          BatchSize = required props path "batch_size" integer
          LearningRate = required props path "learning_rate" number
          WeightDecay = required props path "weight_decay" number
          Optimizer =
            match optimizer, momentum with
            | "adam", None -> Adam
            | "adam", Some _ -> fail $"{path}.momentum" "applies to \"sgd\" only; null for \"adam\""
            | _, Some m -> SgdMomentum m
            | _, None -> fail $"{path}.momentum" "\"sgd\" needs a momentum"
          CosineSchedule = required props path "cosine_schedule" boolean
          Patience = requiredOrNull props path "patience" integer
          StopOn =
            match required props path "stop_on" (choice [ "validation_loss"; "train_loss" ]) with
            | "train_loss" -> TrainLoss
            | _ -> ValidationLoss
          RestoreBest = required props path "restore_best" boolean
          Seed = required props path "seed" integer
          ValidationSplit = optional props path "validation_split" number |> Option.defaultValue 0.0
          Augmentation = optional props path "augmentation" readAugmentation
          ClipLatentWeights = required props path "clip_latent_weights" boolean
          RecalibrateBatchNorm = required props path "recalibrate_batch_norm" boolean
          OneThreadForSmallModels = required props path "one_thread_for_small_models" boolean
          Device = required props path "device" readDevice }
    match TrainConfigRules.problems config with
    | [] -> config
    | (field, problem) :: _ -> fail $"{path}.{field}" problem

/// A config read from JSON text, or what is wrong with it and where.
let read (json: string) : Result<TrainConfig, string> = readText (readElement "$") json

/// A config read from JSON text that sits at `path` of a larger document (the errors name the
/// whole path, `$.provenance.training.seed: …`).
let readAt (path: string) (json: string) : Result<TrainConfig, string> = readText (readElement path) json
