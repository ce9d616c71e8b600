/// Image augmentation for training (`TrainConfig.Augmentation`): each sample of a batch gets its
/// own shift and rotation, drawn from (seed, epoch, its position in the epoch's order) alone, so
/// the same run repeats to the last digit and the draw does not depend on the batch size. The
/// images move by an affine resampling (bilinear, zeros outside); a shift of whole pixels
/// without rotation moves every pixel exactly.
module Qnn.Augmentation

open System
open TorchSharp

/// SplitMix64's finalizer: a well-mixed 64-bit value of its input (fixed across processes, unlike
/// HashCode).
let private mix (x: uint64) =
    let mutable z = x + 0x9E3779B97F4A7C15UL
    z <- (z ^^^ (z >>> 30)) * 0xBF58476D1CE4E5B9UL
    z <- (z ^^^ (z >>> 27)) * 0x94D049BB133111EBUL
    z ^^^ (z >>> 31)

/// One sample's draw: (rotation in degrees, shift right in pixels, shift down in pixels).
let draw (augmentation: ImageAugmentation) (seed: int) (epoch: int) (position: int) : float * int * int =
    let key = mix (mix (mix (uint64 (uint32 seed)) + uint64 (uint32 epoch)) + uint64 (uint32 position))
    let random = Random(int (key &&& 0x7FFFFFFFUL))
    let rotation = (random.NextDouble() * 2.0 - 1.0) * augmentation.MaxRotation
    let shift () = random.Next(-augmentation.MaxShift, augmentation.MaxShift + 1)
    let right = shift ()
    let down = shift ()
    rotation, right, down

/// The affine matrices ([n, 2, 3], affine_grid's convention: output coordinates to input ones,
/// both normalized to [−1, 1]) that rotate each image by its degrees and move it by its pixels.
let matrices (draws: (float * int * int)[]) (height: int64) (width: int64) : float32[] =
    [| for rotation, right, down in draws do
           let r = rotation * Math.PI / 180.0
           let c, s = cos r, sin r
           // Sampling at (x − 2·right/W, y − 2·down/H) moves the content right and down.
           yield! [| c; -s; -2.0 * float right / float width; s; c; -2.0 * float down / float height |] |> Array.map float32 |]

/// `images` ([n, C, H, W]) each moved by its draw (rotation in degrees, pixels right, pixels down).
let transform (draws: (float * int * int)[]) (images: torch.Tensor) : torch.Tensor =
    let n = images.shape.[0]
    let height, width = images.shape.[2], images.shape.[3]
    use flat = torch.tensor(matrices draws height width)
    use theta = flat.reshape(n, 2L, 3L).``to``(images.device)
    use grid = torch.nn.functional.affine_grid(theta, images.shape, align_corners = false)
    torch.nn.functional.grid_sample(images, grid, torch.GridSampleMode.Bilinear, torch.GridSamplePaddingMode.Zeros, align_corners = false)

/// The batch `images` ([n, C, H, W]) whose first sample is at `first` in the epoch's order,
/// each image shifted and rotated by its draw.
let apply (augmentation: ImageAugmentation) (seed: int) (epoch: int) (first: int) (images: torch.Tensor) : torch.Tensor =
    transform (Array.init (int images.shape.[0]) (fun i -> draw augmentation seed epoch (first + i))) images
