namespace Qnn

open System
open System.Runtime.InteropServices
open TorchSharp

/// Training for C# callers: `Training`'s functions with delegates and optional arguments.
[<AbstractClass; Sealed>]
type Trainer =
    /// Trains a built model (see `Training.fit`); `progress` receives each epoch's record.
    static member Fit
        (
            model: torch.nn.Module<torch.Tensor, torch.Tensor>,
            config: TrainConfig,
            trainSet: TensorDataset,
            testSet: TensorDataset,
            [<Optional; DefaultParameterValue(null: Action<EpochRecord>)>] progress: Action<EpochRecord>
        ) : RunResult =
        Training.fit model config trainSet testSet 0 (fun r -> if not (isNull progress) then progress.Invoke r)

    /// `runs` trainings of fresh models from `build`, seeded config.Seed + i (see
    /// `Training.repeatRunsKeeping`): after each run `keep` says whether the caller takes its model
    /// (it then owns it); without `keep` every model is disposed.
    static member RepeatRuns
        (
            runs: int,
            build: Func<torch.nn.Module<torch.Tensor, torch.Tensor>>,
            config: TrainConfig,
            trainSet: TensorDataset,
            testSet: TensorDataset,
            [<Optional; DefaultParameterValue(null: Action<EpochRecord>)>] progress: Action<EpochRecord>,
            [<Optional; DefaultParameterValue(null: Func<torch.nn.Module<torch.Tensor, torch.Tensor>, RunResult, bool>)>] keep: Func<torch.nn.Module<torch.Tensor, torch.Tensor>, RunResult, bool>
        ) : RepeatResult =
        Training.repeatRunsKeeping runs build.Invoke config trainSet testSet
            (fun r -> if not (isNull progress) then progress.Invoke r)
            (fun model result -> not (isNull keep) && keep.Invoke(model, result))

    /// Loss and accuracy in evaluation mode.
    static member Evaluate(model: torch.nn.Module<torch.Tensor, torch.Tensor>, data: TensorDataset, [<Optional; DefaultParameterValue(Training.MinEvaluationBatchSize)>] batchSize: int) =
        Training.evaluate model data batchSize

    /// The config with these fields changed; the rest as given (C# cannot use F#'s `with`).
    static member Configure
        (
            config: TrainConfig,
            [<Optional; DefaultParameterValue(Nullable<int>())>] epochs: Nullable<int>,
            [<Optional; DefaultParameterValue(Nullable<int>())>] batchSize: Nullable<int>,
            [<Optional; DefaultParameterValue(Nullable<float>())>] learningRate: Nullable<float>,
            [<Optional; DefaultParameterValue(Nullable<float>())>] weightDecay: Nullable<float>,
            [<Optional; DefaultParameterValue(Nullable<int>())>] patience: Nullable<int>,
            [<Optional; DefaultParameterValue(Nullable<int>())>] seed: Nullable<int>,
            [<Optional>] optimizer: OptimizerKind,
            [<Optional; DefaultParameterValue(Nullable<bool>())>] cosineSchedule: Nullable<bool>,
            [<Optional>] stopOn: StopMetric,
            [<Optional; DefaultParameterValue(Nullable<bool>())>] restoreBest: Nullable<bool>,
            [<Optional; DefaultParameterValue(Nullable<bool>())>] clipLatentWeights: Nullable<bool>,
            [<Optional; DefaultParameterValue(Nullable<bool>())>] recalibrateBatchNorm: Nullable<bool>,
            [<Optional; DefaultParameterValue(Nullable<bool>())>] oneThreadForSmallModels: Nullable<bool>,
            [<Optional; DefaultParameterValue(Nullable<float>())>] validationSplit: Nullable<float>,
            [<Optional; DefaultParameterValue(Nullable<int>())>] augmentShift: Nullable<int>,
            [<Optional; DefaultParameterValue(Nullable<float>())>] augmentRotation: Nullable<float>,
            [<Optional>] device: torch.Device
        ) : TrainConfig =
        let pick (value: Nullable<'T>) fallback = if value.HasValue then value.Value else fallback
        let orKeep (value: 'T) fallback = if isNull (box value) then fallback else value
        { Epochs = pick epochs config.Epochs
          BatchSize = pick batchSize config.BatchSize
          LearningRate = pick learningRate config.LearningRate
          WeightDecay = pick weightDecay config.WeightDecay
          Optimizer = orKeep optimizer config.Optimizer
          CosineSchedule = pick cosineSchedule config.CosineSchedule
          // 0 turns early stopping off, as --patience 0 does.
          Patience = (if patience.HasValue then (if patience.Value > 0 then Some patience.Value else None) else config.Patience)
          StopOn = orKeep stopOn config.StopOn
          RestoreBest = pick restoreBest config.RestoreBest
          Seed = pick seed config.Seed
          ValidationSplit = pick validationSplit config.ValidationSplit
          // Either part given replaces that part; both 0 turn augmentation off.
          Augmentation =
              let kept = config.Augmentation |> Option.defaultValue { MaxShift = 0; MaxRotation = 0.0 }
              let shift, rotation = pick augmentShift kept.MaxShift, pick augmentRotation kept.MaxRotation
              if shift = 0 && rotation = 0.0 then None else Some { MaxShift = shift; MaxRotation = rotation }
          ClipLatentWeights = pick clipLatentWeights config.ClipLatentWeights
          RecalibrateBatchNorm = pick recalibrateBatchNorm config.RecalibrateBatchNorm
          OneThreadForSmallModels = pick oneThreadForSmallModels config.OneThreadForSmallModels
          Device = orKeep device config.Device }
