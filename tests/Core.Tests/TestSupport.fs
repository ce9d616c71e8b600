/// Helpers shared by the core tests: tensors from arrays, reading values back, synthetic data.
module Qnn.Tests.TestSupport

open System
open TorchSharp
open Qnn

let tensor (values: float32[]) = torch.tensor(values)

let values (t: torch.Tensor) : float32[] = t.detach().contiguous().data<float32>().ToArray()

/// The distinct values of a tensor, sorted.
let distinct (t: torch.Tensor) : float32[] =
    let struct (unique, _, _) = t.unique()
    values unique |> Array.sort

/// d(sum f(x))/dx at the given points, through TorchSharp autograd.
let gradientAt (f: torch.Tensor -> torch.Tensor) (points: float32[]) : float32[] =
    use x = torch.tensor(points, requires_grad = true)
    use y = (f x).sum()
    y.backward()
    values x.grad

let assertClose (tolerance: float) (expected: float[]) (actual: float32[]) =
    Xunit.Assert.Equal(expected.Length, actual.Length)
    for i in 0 .. expected.Length - 1 do
        if abs (expected.[i] - float actual.[i]) > tolerance then
            failwithf "at index %d: expected %g, got %g (tolerance %g)" i expected.[i] actual.[i] tolerance

/// A synthetic, separable problem: `classes` Gaussian blobs in `dims` dimensions with unit
/// variance around centres 6 apart, features shifted and scaled like raw sensor readings.
let blobs (seed: int) (classes: int) (dims: int) (perClass: int) : TensorDataset =
    let random = Random(seed)
    let centres = Array.init classes (fun _ -> Array.init dims (fun _ -> random.NextDouble() * 12.0 - 6.0))
    let gaussian () =
        // Box–Muller: one standard normal draw.
        let u1 = 1.0 - random.NextDouble()
        let u2 = random.NextDouble()
        sqrt (-2.0 * log u1) * cos (2.0 * Math.PI * u2)
    let rows = [| for c in 0 .. classes - 1 do for _ in 1 .. perClass -> c |] |> Array.sortBy (fun _ -> random.Next())
    let features =
        rows |> Array.collect (fun c -> Array.init dims (fun d -> float32 ((centres.[c].[d] + gaussian ()) * 10.0 + 50.0)))
    { Features = torch.tensor(features).reshape(int64 rows.Length, int64 dims)
      Labels = torch.tensor(rows |> Array.map int64) }

/// Splits a data set into the first `count` samples and the rest.
let split (count: int) (data: TensorDataset) =
    let n = data.Count
    let part start length =
        { Features = data.Features.narrow(0L, int64 start, int64 length)
          Labels = data.Labels.narrow(0L, int64 start, int64 length) }
    part 0 count, part count (n - count)

/// An MLP spec over `features` inputs with the given hidden widths and output classes.
let mlp (features: int) (weights: WeightQuant) (activation: Activation) (hidden: int list) (classes: int) =
    let w = SpecDefaults.Weights(weights)
    let layers = [ for h in hidden -> SpecDefaults.Dense(h, w) ] @ [ SpecDefaults.Dense(classes, w) ]
    { SpecDefaults.Model("TestMlp", ModelKind.Mlp, Features { Count = features; Bits = 16; FeatureBits = None }, layers) with
        Activation = activation }
