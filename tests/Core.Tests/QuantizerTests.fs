module Qnn.Tests.QuantizerTests

open System
open Xunit
open TorchSharp
open Qnn
open Qnn.Tests.TestSupport

let points = [| -2.5f; -1.2f; -0.7f; -0.3f; -0.05f; 0.0f; 0.05f; 0.3f; 0.7f; 1.2f; 2.5f |]

[<Fact>]
let ``sign maps zero to +1 and is ±1 elsewhere`` () =
    let signs = values (Quantizers.sign (tensor points))
    Assert.Equal<float32[]>([| -1.0f; -1.0f; -1.0f; -1.0f; -1.0f; 1.0f; 1.0f; 1.0f; 1.0f; 1.0f; 1.0f |], signs)

[<Fact>]
let ``stochastic sign has mean 2·hard_sigmoid(x) - 1`` () =
    torch.manual_seed(7L) |> ignore
    for x in [ -1.5; -0.6; -0.2; 0.0; 0.4; 0.9; 1.5 ] do
        use samples = Quantizers.stochasticSign (torch.full(200000L, x.ToScalar()))
        let distinct = distinct samples
        let expected = 2.0 * Math.Clamp((x + 1.0) / 2.0, 0.0, 1.0) - 1.0
        let mean = samples.mean().item<float32>() |> float
        Assert.True(abs (mean - expected) < 0.01, $"x = {x}: mean {mean}, expected {expected}")
        Assert.True(distinct |> Array.forall (fun v -> v = -1.0f || v = 1.0f), $"x = {x}: values {distinct}")

[<Fact>]
let ``clipped STE passes gradient 1 inside [-1, 1] and 0 outside`` () =
    let expected = points |> Array.map (fun x -> if abs x <= 1.0f then 1.0 else 0.0)
    assertClose 1e-7 expected (gradientAt Quantizers.binarize points)

[<Fact>]
let ``identity STE passes gradient 1 everywhere`` () =
    let f x = Quantizers.withIdentityGradient x (Quantizers.sign x)
    assertClose 1e-7 (Array.create points.Length 1.0) (gradientAt f points)

[<Fact>]
let ``ReSTE gradient follows its power law, the constant near zero and 0 past the threshold`` () =
    for o, t in [ 3.0, 1.5; 2.0, 1.0; 1.0, 2.0 ] do
        let formula (x: float32) =
            let a = abs (float x)
            if a > t then 0.0
            elif a <= 0.1 then Math.Pow(0.1, 1.0 / o) / 0.1
            else (1.0 / o) * Math.Pow(a, (1.0 - o) / o)
        let gradient = gradientAt (Quantizers.binarizeWith (Quantizers.resteGradient o t) false) points
        assertClose 1e-5 (points |> Array.map formula) gradient

[<Fact>]
let ``ReSTE with o = 3 at chosen points`` () =
    // (1/3)·0.5^(-2/3) = 0.52913, (1/3)·1.2^(-2/3) = 0.29525, 0.1^(1/3)/0.1 = 4.64159
    let gradient = gradientAt (Quantizers.binarizeWith (Quantizers.resteGradient 3.0 1.5) false) [| 0.5f; -1.2f; 0.05f; 0.0f; 1.6f |]
    assertClose 1e-4 [| 0.52913; 0.29525; 4.64159; 4.64159; 0.0 |] gradient

[<Fact>]
let ``ApproxSign gradient is 2 - 2|x| inside [-1, 1]`` () =
    let expected = points |> Array.map (fun x -> if abs x <= 1.0f then 2.0 - 2.0 * abs (float x) else 0.0)
    assertClose 1e-6 expected (gradientAt (Quantizers.binarizeWith Quantizers.approxSignGradient false) points)

[<Fact>]
let ``SwishSign gradient matches β(2 - βx·tanh(βx/2))/(1 + cosh(βx))`` () =
    for beta in [ 5.0; 1.0; 10.0 ] do
        let formula (x: float32) =
            let bx = beta * float x
            beta * (2.0 - bx * tanh (bx / 2.0)) / (1.0 + cosh bx)
        let gradient = gradientAt (Quantizers.binarizeWith (Quantizers.swishSignGradient beta) false) points
        assertClose 1e-4 (points |> Array.map formula) gradient

[<Fact>]
let ``ternary activation gives -1, 0, +1 with the threshold and a clipped-STE gradient`` () =
    let y = values (Quantizers.ternarize 0.5 (tensor points))
    Assert.Equal<float32[]>([| -1.0f; -1.0f; -1.0f; 0.0f; 0.0f; 0.0f; 0.0f; 0.0f; 1.0f; 1.0f; 1.0f |], y)
    let expected = points |> Array.map (fun x -> if abs x <= 1.0f then 1.0 else 0.0)
    assertClose 1e-7 expected (gradientAt (Quantizers.ternarize 0.5) points)

[<Fact>]
let ``DoReFa k-bit activation rounds n·clip(x, 0, 1) and passes gradient inside [0, 1]`` () =
    let input = [| -0.5f; 0.1f; 0.2f; 0.49f; 0.51f; 0.9f; 1.5f |]
    let y = values (Quantizers.doReFaActivation 2 (tensor input))
    // n = 3: levels 0, 1/3, 2/3, 1
    assertClose 1e-6 [| 0.0; 0.0; 1.0 / 3.0; 1.0 / 3.0; 2.0 / 3.0; 1.0; 1.0 |] y
    assertClose 1e-7 [| 0.0; 1.0; 1.0; 1.0; 1.0; 1.0; 0.0 |] (gradientAt (Quantizers.doReFaActivation 2) input)

[<Fact>]
let ``TWN ternary weights are α·{-1, 0, +1} per output channel with Δ = 0.7·mean|W|`` () =
    let w = torch.tensor([| 0.9f; -0.1f; 0.4f; -0.8f; 0.05f; 0.0f; -0.3f; 0.6f |]).reshape(2L, 4L)
    let q = Quantizers.ternaryWeights 0.7 w
    // Row 0: mean|w| = 0.55, Δ = 0.385: kept 0.9, 0.4, -0.8, α = 0.7.
    // Row 1: mean|w| = 0.2375, Δ = 0.16625: kept -0.3, 0.6, α = 0.45.
    assertClose 1e-6 [| 0.7; 0.0; 0.7; -0.7; 0.0; 0.0; -0.45; 0.45 |] (values q)
    for row in 0L .. 1L do
        Assert.True((distinct (q.[row].abs())).Length <= 2, "one α per channel, plus 0")

[<Fact>]
let ``TWN and n-bit weights pass the gradient straight through`` () =
    let w = [| 0.9f; -0.1f; 0.4f; -0.8f |]
    let asMatrix (f: torch.Tensor -> torch.Tensor) (x: torch.Tensor) = f (x.reshape(2L, 2L))
    assertClose 1e-7 [| 1.0; 1.0; 1.0; 1.0 |] (gradientAt (asMatrix (Quantizers.ternaryWeights 0.7)) w)
    assertClose 1e-7 [| 1.0; 1.0; 1.0; 1.0 |] (gradientAt (asMatrix (Quantizers.symmetricPerChannel 3 false)) w)
    assertClose 1e-7 [| 1.0; 1.0; 1.0; 1.0 |] (gradientAt (Quantizers.uniformPerTensor 3 false) w)

[<Fact>]
let ``n bits give at most 2^n levels, per tensor and per channel`` () =
    torch.manual_seed(3L) |> ignore
    let w = torch.randn(16L, 64L)
    for bits in [ 2; 3; 4; 5 ] do
        for stochastic in [ false; true ] do
            let perTensor = int64 (distinct (Quantizers.uniformPerTensor bits stochastic w)).Length
            Assert.True(perTensor <= (1L <<< bits), $"{bits} bits per tensor: {perTensor} levels")
            let perChannel = Quantizers.symmetricPerChannel bits stochastic w
            for row in 0L .. 15L do
                let levels = int64 (distinct perChannel.[row]).Length
                Assert.True(levels <= (1L <<< bits) - 1L, $"{bits} bits, channel {row}: {levels} levels")
    // Enough bits reproduce the range's end points exactly.
    let q = Quantizers.uniformPerTensor 8 false w
    Assert.Equal(w.min().item<float32>(), q.min().item<float32>(), 5)
    Assert.Equal(w.max().item<float32>(), q.max().item<float32>(), 5)

[<Fact>]
let ``stochastic rounding is unbiased`` () =
    torch.manual_seed(11L) |> ignore
    use v = torch.full(100000L, (0.3).ToScalar())
    let mean = (Quantizers.roundTo true v).mean().item<float32>() |> float
    Assert.True(abs (mean - 0.3) < 0.01, $"mean {mean}")

[<Fact>]
let ``scaled binary weights are α·sign(W) with α = mean|W| per channel`` () =
    let w = torch.tensor([| 0.5f; -1.5f; 1.0f; 0.2f; -0.2f; 0.2f |]).reshape(2L, 3L)
    let q = Quantizers.binaryWeights true false w
    assertClose 1e-6 [| 1.0; -1.0; 1.0; 0.2; -0.2; 0.2 |] (values q)
    let plain = Quantizers.binaryWeights false false w
    assertClose 0.0 [| 1.0; -1.0; 1.0; 1.0; -1.0; 1.0 |] (values plain)

[<Fact>]
let ``Quantizer objects keep their names and sample only while training`` () =
    torch.manual_seed(5L) |> ignore
    let q = Quantizer.Sign(stochastic = true)
    Assert.Equal("sign_stochastic", q.Name)
    use x = torch.full(1000L, (0.2).ToScalar())
    Assert.True((q.Apply(x, false)).eq((1.0).ToScalar()).all().item<bool>(), "evaluation is deterministic")
    let trainingMean = q.Apply(x, true).mean().item<float32>()
    Assert.True(abs (trainingMean - 0.2f) < 0.1f, $"training samples: mean {trainingMean}")
    Assert.Equal("sign_reste(o=3, t=1.5)", Quantizer.SignReste(3.0, 1.5).Name)
    Assert.Throws<ArgumentOutOfRangeException>(fun () -> Quantizer.SignReste(0.5, 1.5) |> ignore) |> ignore
