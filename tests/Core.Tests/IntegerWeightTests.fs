/// The layers' integer form of their weights (`IntegerWeights()`, Brevitas's `quant_weight()`):
/// integers times per-channel scales give back exactly what the evaluation forward uses.
module Qnn.Tests.IntegerWeightTests

open Xunit
open TorchSharp
open Qnn
open Qnn.Tests.TestSupport

/// A [4, 6] weight matrix whose last row is all zero (a channel with nothing to scale).
let private weights () =
    torch.manual_seed(3L) |> ignore
    let w = torch.randn(4L, 6L)
    w.[3L].zero_() |> ignore
    w

let private linearWith (quantizer: Quantizer) =
    let layer = new QuantLinear(6L, 4L, quantizer)
    use _ = torch.no_grad()
    layer.Weight.copy_(weights ()) |> ignore
    layer.eval()
    layer

let private assertReconstructs (layer: QuantLinear) (form: IntegerWeights) =
    use _ = torch.no_grad()
    let expected = values (layer.WeightQuantizer.Apply(layer.Weight, false))
    let scales = torch.tensor(form.Scales).unsqueeze(1L)
    let rebuilt = values (form.Integers * scales)
    Assert.Equal<float32[]>(expected, rebuilt)

[<Fact>]
let ``binary weights are ±1 with scale 1, scaled binary with mean|w| per channel`` () =
    use layer = linearWith (Quantizer.BinaryWeights())
    use form = layer.IntegerWeights()
    Assert.True(form.Unscaled)
    Assert.Equal<float32[]>([| 1.0f; -1.0f |], distinct form.Integers |> Array.sortDescending)
    Assert.Equal<float32[]>(Array.create 4 1.0f, form.Scales)
    Assert.Equal(1, form.Largest)
    assertReconstructs layer form
    use scaled = linearWith (Quantizer.BinaryWeights(scaled = true))
    use scaledForm = scaled.IntegerWeights()
    Assert.False(scaledForm.Unscaled)
    let meanAbs = values (weights().abs().mean([| 1L |]))
    assertClose 1e-6 (meanAbs |> Array.map float) scaledForm.Scales
    assertReconstructs scaled scaledForm

[<Fact>]
let ``ternary weights are -1, 0, +1 with TWN's α per channel, 0 for an empty channel`` () =
    use layer = linearWith (Quantizer.TernaryWeights())
    use form = layer.IntegerWeights()
    Assert.Equal<float32[]>([| 1.0f; 0.0f; -1.0f |], distinct form.Integers |> Array.sortDescending)
    Assert.Equal(0.0f, form.Scales.[3])
    Assert.True(form.Scales.[0..2] |> Array.forall (fun s -> s > 0.0f))
    assertReconstructs layer form

[<Fact>]
let ``n-bit weights are integers up to 2^(n-1) - 1, the largest reached in every nonzero channel`` () =
    use layer = linearWith (Quantizer.NBitsWeights(4))
    use form = layer.IntegerWeights()
    Assert.Equal(7, form.Largest)
    let rows = values form.Integers |> Array.chunkBySize 6
    for row in rows.[0..2] do
        Assert.Equal(7.0f, row |> Array.map abs |> Array.max)
        Assert.True(row |> Array.forall (fun q -> q = round q))
    Assert.True(rows.[3] |> Array.forall ((=) 0.0f))
    Assert.Equal(0.0f, form.Scales.[3])
    assertReconstructs layer form

[<Fact>]
let ``a convolution's integer form has the kernel's shape`` () =
    torch.manual_seed(5L) |> ignore
    use conv = new QuantConv2d(2L, 3L, 3L, Quantizer.NBitsWeights(3))
    use form = conv.IntegerWeights()
    Assert.Equal<int64[]>([| 3L; 2L; 3L; 3L |], form.Integers.shape)
    use _ = torch.no_grad()
    let expected = values (conv.WeightQuantizer.Apply(conv.Weight, false))
    Assert.Equal<float32[]>(expected, values (form.Integers * torch.tensor(form.Scales).view(3L, 1L, 1L, 1L)))

[<Fact>]
let ``float weights have no integer form`` () =
    use layer = new QuantLinear(6L, 4L, Quantizer.Identity)
    Assert.False(layer.WeightQuantizer.HasIntegerForm)
    Assert.Throws<System.InvalidOperationException>(fun () -> layer.IntegerWeights() |> ignore) |> ignore
