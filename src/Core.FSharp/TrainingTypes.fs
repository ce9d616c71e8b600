namespace Qnn

open TorchSharp

/// An in-memory data set: features [N, …] (float32) and class labels [N] (int64).
type TensorDataset =
    { Features: torch.Tensor
      Labels: torch.Tensor }

    member this.Count = int this.Labels.shape.[0]

type OptimizerKind =
    | Adam
    /// SGD with this momentum.
    | SgdMomentum of momentum: float

/// The quantity early stopping watches.
type StopMetric =
    /// Test (validation) loss, the default.
    | ValidationLoss
    /// Training loss, as the seed notebook did.
    | TrainLoss

/// Small random changes to each training image, drawn anew every epoch (`Augmentation`): a
/// shift of whole pixels and a rotation about the centre, the space they open filled with 0 (the
/// background of the image data sets). Only training batches change; calibration, validation,
/// BatchNorm recalibration and evaluation see the images as they are.
type ImageAugmentation =
    { /// The largest shift, in pixels along each axis: each drawn from −MaxShift..MaxShift.
      MaxShift: int
      /// The largest rotation, in degrees: each drawn from [−MaxRotation, MaxRotation].
      MaxRotation: float }

type TrainConfig =
    { Epochs: int
      BatchSize: int
      LearningRate: float
      WeightDecay: float
      Optimizer: OptimizerKind
      /// Cosine annealing of the learning rate to 0 over `Epochs`.
      CosineSchedule: bool
      /// Stop after this many epochs without improvement of `StopOn`; None trains all epochs.
      Patience: int option
      StopOn: StopMetric
      /// Reload the weights of the best epoch (by `StopOn`) before the final evaluation.
      RestoreBest: bool
      /// Seeds torch (weights, dropout, stochastic quantizers) and the shuffling.
      Seed: int
      /// The fraction of the training set held out as a validation set (0 ≤ f < 1; per class,
      /// drawn with `Seed`, see `Training.holdOut`): early stopping, the restored best epoch and
      /// nothing else watch it, so the test split scores a model it did not choose. 0 holds out
      /// nothing and watches the test split, as the seed notebook did.
      ValidationSplit: float
      /// Shifts and rotations of the training images, drawn from (`Seed`, epoch, position in the
      /// epoch's order) so a run repeats; None trains on the images as they are.
      Augmentation: ImageAugmentation option
      /// Clamp latent binary weights to [-1, 1] after each step (BinaryNet).
      ClipLatentWeights: bool
      /// After training, re-estimate every BatchNorm's running mean and variance over the
      /// training set with the final weights (a cumulative average of batch statistics). Binary
      /// weights move fast, and momentum-averaged statistics lag behind them.
      RecalibrateBatchNorm: bool
      /// Train a small model on one intra-op thread whatever torch's thread count: a network without
      /// convolutions whose largest activation per step (batch × widest layer) is below libtorch's
      /// grain size of 32,768 values gains nothing from threads, and libtorch's batch norm still
      /// opens a parallel region per call (27 µs at 2 threads against 7 µs at 1 for 32×32).
      OneThreadForSmallModels: bool
      /// Where training runs: `fit` moves the model there once (and leaves it there) and the
      /// training and test sets once per `fit`. `OneThreadForSmallModels` applies on the CPU only.
      Device: torch.Device }

    /// The seed notebook's first experiment: 15 epochs, batch 32, Adam, lr 0.01, weight decay
    /// 1e-4, patience 10 on the validation loss, and the best epoch's weights restored at the end
    /// (the checkpoint that patience-based early stopping keeps).
    static member Default =
        { Epochs = 15
          BatchSize = 32
          LearningRate = 0.01
          WeightDecay = 1e-4
          Optimizer = Adam
          CosineSchedule = false
          Patience = Some 10
          StopOn = ValidationLoss
          RestoreBest = true
          Seed = 42
          ValidationSplit = 0.0
          Augmentation = None
          ClipLatentWeights = true
          RecalibrateBatchNorm = true
          OneThreadForSmallModels = true
          Device = torch.CPU }

/// One epoch of one run. `Seconds` is the training time of the epoch (evaluation excluded).
type EpochRecord =
    { Run: int
      Epoch: int
      TrainLoss: float
      TestLoss: float
      TestAccuracy: float
      Seconds: float }

type RunResult =
    { Run: int
      Seed: int
      History: EpochRecord[]
      /// Test accuracy of the final (or restored best) weights, in [0, 1].
      Accuracy: float
      TestLoss: float
      /// The epoch (1-based) with the best `StopOn` value; 0 when no epoch had a finite one.
      BestEpoch: int
      StoppedEarly: bool
      /// The epoch (1-based) whose mean training loss was not finite (NaN or ±∞), where training
      /// stopped: the weights had diverged and every later epoch would only repeat it. That
      /// epoch's record is the last of `History`. With `RestoreBest` and `BestEpoch` ≥ 1 the model
      /// then holds the best epoch's weights (restored, and `Accuracy`/`TestLoss` are theirs), so
      /// a caller can save them and report "diverged at epoch N"; otherwise its weights are the
      /// diverged ones and not worth saving. None when training did not diverge.
      DivergedAtEpoch: int option }

    /// Whether training stopped because its loss stopped being finite (see `DivergedAtEpoch`).
    member this.Diverged = this.DivergedAtEpoch.IsSome

/// The seed's `evaluate_model(times)`: each run's accuracy, then max, mean and population std.
type RepeatResult =
    { Runs: RunResult[]
      Accuracies: float[]
      Max: float
      Mean: float
      Std: float }

/// The values a `TrainConfig` may hold. `Training.fit` refuses a config that breaks any, and the
/// JSON reader (`TrainConfigJson`) reports each at its field; the names are the JSON field names.
module TrainConfigRules =
    let private finite (x: float) = not (System.Double.IsNaN x || System.Double.IsInfinity x)

    /// Each broken rule as (field, problem); empty for a config that trains.
    let problems (config: TrainConfig) : (string * string) list =
        [ if config.Epochs < 1 then "epochs", $"{config.Epochs}; it must be at least 1"
          if config.BatchSize < 2 then "batch_size", $"{config.BatchSize}; it must be at least 2 (BatchNorm needs two samples)"
          if not (finite config.LearningRate) || config.LearningRate < 0.0 then
              "learning_rate", $"{config.LearningRate}; it must be a finite number, 0 or more"
          if not (finite config.WeightDecay) || config.WeightDecay < 0.0 then
              "weight_decay", $"{config.WeightDecay}; it must be a finite number, 0 or more"
          match config.Optimizer with
          | SgdMomentum m when not (finite m) || m < 0.0 || m >= 1.0 -> "momentum", $"{m}; it must be in [0, 1)"
          | _ -> ()
          match config.Patience with
          | Some p when p < 1 -> "patience", $"{p}; it must be at least 1, or null for no early stopping"
          | _ -> ()
          if config.Seed < 0 then "seed", $"{config.Seed}; it must be 0 or more"
          if not (finite config.ValidationSplit) || config.ValidationSplit < 0.0 || config.ValidationSplit >= 1.0 then
              "validation_split", $"{config.ValidationSplit}; it must be in [0, 1)"
          match config.Augmentation with
          | Some a when a.MaxShift < 0 || a.MaxShift > 64 -> "augmentation.max_shift", $"{a.MaxShift}; it must be 0 to 64 pixels"
          | Some a when not (finite a.MaxRotation) || a.MaxRotation < 0.0 || a.MaxRotation > 180.0 ->
              "augmentation.max_rotation", $"{a.MaxRotation}; it must be 0 to 180 degrees"
          | Some a when a.MaxShift = 0 && a.MaxRotation = 0.0 -> "augmentation", "shifts and rotates nothing; null for no augmentation"
          | _ -> () ]
