module Qnn.Tests.CostTests

open Xunit
open Qnn
open Qnn.Cost
open Qnn.Tests.Models

[<Fact>]
let ``VertebralMlp: parameters, weight bits and MACs by precision`` () =
    let c = Spec.cost vertebralMlp
    let row name = c.Layers |> Array.find (fun l -> l.Name = name)
    // fc1: 6·32 binary weights on 16-bit inputs; BN γ, β for 32 units.
    Assert.Equal(192L + 64L, (row "fc1").Parameters)
    Assert.Equal(192L, (row "fc1").WeightBits)
    Assert.Equal(192L + 32L * 64L, (row "fc1").MemoryBits)
    Assert.Equal({ MacCounts.Zero with Integer = 192L }, (row "fc1").Macs)
    Assert.Equal(Bits 16, (row "fc1").InputPrecision)
    // fc2, fc3: binary weights on ReSTE-binarized activations.
    Assert.Equal({ MacCounts.Zero with BinaryBinary = 1024L }, (row "fc2").Macs)
    Assert.Equal({ MacCounts.Zero with BinaryBinary = 96L }, (row "fc3").Macs)
    Assert.Equal(256L + 1088L + 102L, c.Parameters)
    Assert.Equal(1312L, c.WeightBits)
    Assert.Equal(32L * c.Parameters, c.Float32Bits)
    Assert.Equal({ MacCounts.Zero with Integer = 192L; BinaryBinary = 1120L }, c.Macs)

[<Fact>]
let ``MiniMnistCnn: conv MACs count every output position before pooling`` () =
    let c = Spec.cost miniMnistCnn
    let macs name = (c.Layers |> Array.find (fun l -> l.Name = name)).Macs
    Assert.Equal({ MacCounts.Zero with Integer = 144L * 784L }, macs "conv1")
    Assert.Equal({ MacCounts.Zero with BinaryBinary = 4608L * 784L }, macs "conv2")
    Assert.Equal({ MacCounts.Zero with BinaryBinary = 6272L * 32L }, macs "fc3")
    Assert.Equal({ MacCounts.Zero with BinaryBinary = 1024L }, macs "fc4")
    // fc5 has float weights: its MACs are float whatever its input.
    Assert.Equal({ MacCounts.Zero with Float = 320L }, macs "fc5")
    Assert.Equal(144L + 4608L + 200704L + 1024L + 320L * 32L, c.WeightBits)

[<Fact>]
let ``ternary, n-bit and scaled weights add a float scale per output channel`` () =
    let layer weights = { vertebralMlp with Layers = [| SpecDefaults.Dense(4, weights); SpecDefaults.Dense(3) |] }
    let bitsOf weights = (Spec.cost (layer weights)).Layers.[0].WeightBits
    Assert.Equal(24L * 2L + 4L * 32L, bitsOf (SpecDefaults.Weights WeightQuant.Ternary))
    Assert.Equal(24L * 5L + 4L * 32L, bitsOf (SpecDefaults.Weights(WeightQuant.NBits, 5)))
    Assert.Equal(24L + 4L * 32L, bitsOf (SpecDefaults.Weights(WeightQuant.Binary, scaled = true)))
    Assert.Equal(24L * 32L, bitsOf (SpecDefaults.Weights WeightQuant.None))

[<Fact>]
let ``MACs are classed by both operands`` () =
    Assert.Equal({ MacCounts.Zero with BinaryBinary = 5L }, classify Binary Binary 5L)
    Assert.Equal({ MacCounts.Zero with Ternary = 5L }, classify Ternary Binary 5L)
    Assert.Equal({ MacCounts.Zero with Ternary = 5L }, classify Binary Ternary 5L)
    Assert.Equal({ MacCounts.Zero with Integer = 5L }, classify (Bits 4) Binary 5L)
    Assert.Equal({ MacCounts.Zero with Float = 5L }, classify Binary Float 5L)

[<Fact>]
let ``a layer of 2^31 - 1 units costs in 64 bits: no negative bits or memory`` () =
    // Cost only: nothing is built (the spec is refused by QNN014 anyway).
    let units = int64 System.Int32.MaxValue
    let spec = { vertebralMlp with Layers = [| SpecDefaults.Dense(32, binary); SpecDefaults.Dense(System.Int32.MaxValue, binary); SpecDefaults.Dense(3, binary) |] }
    let c = Spec.cost spec
    let row name = c.Layers |> Array.find (fun l -> l.Name = name)
    // fc2: 32 binary weights per unit (1 bit each) and BN γ, β per unit.
    Assert.Equal(32L * units + 2L * units, (row "fc2").Parameters)
    Assert.Equal(32L * units, (row "fc2").WeightBits)
    Assert.Equal(32L * units + 64L * units, (row "fc2").MemoryBits)
    Assert.Equal({ MacCounts.Zero with BinaryBinary = 32L * units }, (row "fc2").Macs)
    Assert.Equal<int[]>([| System.Int32.MaxValue |], (row "fc2").OutputShape)
    // fc3: a fan-in of 2^31 - 1, a product that overflows an int.
    Assert.Equal(3L * units + 6L, (row "fc3").Parameters)
    Assert.Equal({ MacCounts.Zero with BinaryBinary = 3L * units }, (row "fc3").Macs)
    Assert.Equal(256L + (34L * units) + (3L * units + 6L), c.Parameters)
    Assert.Equal(192L + 32L * units + 3L * units, c.WeightBits)
    Assert.Equal(32L * c.Parameters, c.Float32Bits)
    Assert.True(c.MemoryBits > c.WeightBits && c.Macs.Total > 0L)

[<Fact>]
let ``a cost beyond int64 throws rather than wrapping`` () =
    // Two layers of 2^31 - 1 units: fc2 has 2^62 weights, 32·2^62 float32 bits overflow an int64.
    let spec = { vertebralMlp with Layers = [| SpecDefaults.Dense(System.Int32.MaxValue); SpecDefaults.Dense(System.Int32.MaxValue); SpecDefaults.Dense(3) |] }
    Assert.Throws<System.OverflowException>(fun () -> Spec.cost spec |> ignore) |> ignore

[<Fact>]
let ``training memory counts every stage's values twice per sample and 16 bytes a parameter`` () =
    // VertebralMlp: stages input 6, fc1/bn1/act1 32 each, fc2/bn2/act2 32 each, fc3/bn3 3 each = 204 values.
    let values = 6L + 6L * 32L + 2L * 3L
    let parameters = (Spec.cost vertebralMlp).Parameters
    Assert.Equal(8L * 32L * values + 16L * parameters, Spec.trainingBytes vertebralMlp 32 256)
    // Evaluation at a batch wide enough dominates: 8 bytes × batch × the widest stage (32).
    Assert.Equal(8L * 100000L * 32L, Spec.trainingBytes vertebralMlp 1 100000)
