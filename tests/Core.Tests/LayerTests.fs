module Qnn.Tests.LayerTests

open Xunit
open TorchSharp
open Qnn
open Qnn.Tests.TestSupport

[<Fact>]
let ``QuantLinear multiplies by the quantized weights and has no bias by default`` () =
    use layer = new QuantLinear(3L, 2L, Quantizer.BinaryWeights())
    Assert.Equal<string list>([ "weight" ], layer.named_parameters() |> Seq.map (fun struct (n, _) -> n) |> List.ofSeq)
    use x = torch.tensor([| 1.0f; 2.0f; 3.0f |]).reshape(1L, 3L)
    let expected = x.matmul((Quantizers.sign layer.Weight).t())
    Assert.Equal<float32[]>(values expected, values (layer.call x))
    Assert.True(values (layer.call x) |> Array.forall (fun v -> v = floor v), "±1 weights on integer inputs give integers")

[<Fact>]
let ``QuantConv2d honours stride, padding, dilation and groups`` () =
    use conv = new QuantConv2d(4L, 8L, 3L, Quantizer.TernaryWeights(), stride = 2L, padding = 1L, dilation = 2L, groups = 2L)
    use x = torch.randn(5L, 4L, 17L, 17L)
    let y = conv.call x
    // ⌊(17 + 2 - 2·2 - 1)/2⌋ + 1 = 8
    Assert.Equal<int64[]>([| 5L; 8L; 8L; 8L |], y.shape)
    Assert.Equal<int64[]>([| 8L; 2L; 3L; 3L |], conv.Weight.shape)

[<Fact>]
let ``latent binary weights are clipped to [-1, 1] only when asked`` () =
    use clipped = new QuantLinear(2L, 2L, Quantizer.BinaryWeights(), clipLatentWeights = true)
    use free = new QuantLinear(2L, 2L, Quantizer.BinaryWeights())
    for layer in [ clipped; free ] do
        use _ = torch.no_grad()
        layer.Weight.copy_(torch.tensor([| 3.0f; -0.5f; -2.0f; 0.25f |]).reshape(2L, 2L)) |> ignore
        (layer :> ILatentWeightLayer).ClipLatentWeights()
    Assert.Equal<float32[]>([| 1.0f; -0.5f; -1.0f; 0.25f |], values clipped.Weight)
    Assert.Equal<float32[]>([| 3.0f; -0.5f; -2.0f; 0.25f |], values free.Weight)

[<Fact>]
let ``input quantizer calibrates per feature and gives at most 2^bits levels in [0, 1]`` () =
    use quantizer = new InputQuantizer([| 2; 8 |], true)
    use training = torch.tensor([| 0.0f; 100.0f; 10.0f; 300.0f; 5.0f; 200.0f |]).reshape(3L, 2L)
    (quantizer :> ICalibratedLayer).Calibrate training
    Assert.Equal<float32[]>([| 0.0f; 100.0f |], values quantizer.Low)
    Assert.Equal<float32[]>([| 10.0f; 300.0f |], values quantizer.High)
    quantizer.eval()
    use probe = torch.tensor([| -5.0f; 100.0f; 4.0f; 250.0f; 20.0f; 1000.0f |]).reshape(3L, 2L)
    let y = values (quantizer.call probe)
    // feature 0: 2 bits over [0, 10]: -5 → code 0 → 0; 4 → round(1.2) = 1 → 1/3; 20 → 3 → 1
    // feature 1: 8 bits over [100, 300]: 100 → 0; 250 → round(191.25) = 191 → 191/255; 1000 → 1
    assertClose 1e-6 [| 0.0; 0.0; 1.0 / 3.0; 191.0 / 255.0; 1.0; 1.0 |] y
    Assert.Equal<int64[]>([| 0L; 0L; 1L; 191L; 3L; 255L |], (quantizer.Codes probe).data<int64>().ToArray())

[<Fact>]
let ``input quantizer range is saved with the model and does not depend on the batch`` () =
    use quantizer = new InputQuantizer(4)
    (quantizer :> ICalibratedLayer).Calibrate(torch.tensor([| 0.0f; 255.0f |]))
    let names = quantizer.state_dict().Keys |> Seq.sort |> List.ofSeq
    Assert.Equal<string list>([ "high"; "low" ], names)
    quantizer.eval()
    let alone = values (quantizer.call (torch.tensor([| 128.0f |])))
    let inBatch = values (quantizer.call (torch.tensor([| 128.0f; 0.0f; 3.0f |])))
    Assert.Equal(alone.[0], inBatch.[0])

[<Fact>]
let ``activation modules apply their quantizer`` () =
    use act = new QuantActivation(Quantizer.Ternarize(0.5))
    Assert.Equal<float32[]>([| -1.0f; 0.0f; 1.0f |], values (act.call (tensor [| -0.7f; 0.2f; 0.9f |])))
