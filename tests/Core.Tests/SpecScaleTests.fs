/// Reading, validating and costing a spec take time linear in its size: a spec file of 200,001
/// layers is read, checked and costed in about a second, not minutes (a quadratic path, such as
/// searching every stage for every layer, takes 100× longer for 10× more layers).
module Qnn.Tests.SpecScaleTests

open System.Diagnostics
open System.Text
open Xunit
open Qnn

/// An MLP of `layers` dense layers of 4 units as JSON text (the last, the output, of 2).
let private deepMlp (layers: int) =
    let json = StringBuilder("""{ "name": "Deep", "kind": "mlp", "activation": "Relu", "input": { "features": 4 }, "layers": [""")
    for i in 1 .. layers do
        json.Append(if i = layers then """{ "dense": 2 }""" else """{ "dense": 4, "weights": "Binary" }, """) |> ignore
    json.Append("] }").ToString()

/// Reads, validates, costs and lays out the spec; its seconds and its parameter count.
let private readValidateCost (json: string) =
    let clock = Stopwatch.StartNew()
    let spec = match Spec.ofJson json with Ok spec -> spec | Error e -> failwith e
    Assert.Empty(Spec.validate spec)
    let cost = Spec.cost spec
    let stages = Spec.stages spec
    clock.Elapsed.TotalSeconds, cost.Parameters, stages.Length

[<Fact>]
let ``a spec of 200,001 layers is read, validated and costed in time linear in its size`` () =
    let small, large = deepMlp 20_001, deepMlp 200_001
    readValidateCost small |> ignore // warms the JIT up
    let smallSeconds, smallParameters, smallStages = readValidateCost small
    let largeSeconds, largeParameters, largeStages = readValidateCost large
    // 4·4 weights and 2·4 BN parameters per hidden layer, then 4·2 + 2·2 for the output.
    Assert.Equal(200_000L * 24L + 12L, largeParameters)
    Assert.Equal(20_000L * 24L + 12L, smallParameters)
    // input, then fc·bn·act per hidden layer and fc·bn for the output.
    Assert.Equal(1 + 200_000 * 3 + 2, largeStages)
    Assert.Equal(1 + 20_000 * 3 + 2, smallStages)
    // Linear: 10× the layers take about 10× the time; quadratic would take 100×. The bound is
    // loose for a noisy shared machine, and a run under 3 s passes whatever the ratio (a
    // quadratic path at this size takes minutes).
    Assert.True(
        largeSeconds < 3.0 || largeSeconds < 30.0 * smallSeconds,
        $"200,001 layers took {largeSeconds:F2} s against {smallSeconds:F3} s for 20,001")
