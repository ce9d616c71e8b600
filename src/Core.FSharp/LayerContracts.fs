namespace Qnn

open TorchSharp

/// A layer whose range must be calibrated on the training set before training (the input
/// quantizer). Training calls this once with the whole training input; the range is then fixed.
type ICalibratedLayer =
    abstract Calibrate: trainingInput: torch.Tensor -> unit

/// A layer with latent binary weights that training may clip to [-1, 1] after each step.
type ILatentWeightLayer =
    abstract ClipLatentWeights: unit -> unit
