/// Device cleanliness without a GPU: TorchSharp's meta device allocates nothing, and a CPU tensor
/// meeting a meta one throws "Expected all tensors to be on the same device", the error a CUDA run
/// gives. A network built, calibrated on the CPU and moved must leave nothing behind.
module Qnn.Tests.DeviceTests

open Xunit
open TorchSharp
open Qnn
open Qnn.Tests.TestSupport

let private meta = new torch.Device(DeviceType.META)

/// Every hidden activation kind, each weight kind, per-feature input widths (one above 24 bits,
/// so the quantizer's partial-rounding path runs).
let private everyActivationMlp (qMode: QMode) =
    let layers =
        [ SpecDefaults.Dense(12, SpecDefaults.Weights(WeightQuant.None), Activation.None)
          SpecDefaults.Dense(12, SpecDefaults.Weights(WeightQuant.NBits, 4), Activation.Relu)
          SpecDefaults.Dense(12, SpecDefaults.Weights(WeightQuant.Binary, scaled = true), Activation.Binarize)
          SpecDefaults.Dense(12, SpecDefaults.Weights(WeightQuant.Binary), Activation.BinarizeReste)
          SpecDefaults.Dense(12, SpecDefaults.Weights(WeightQuant.Ternary), Activation.BinarizeApprox)
          SpecDefaults.Dense(12, SpecDefaults.Weights(WeightQuant.Binary), Activation.BinarizeSwish)
          SpecDefaults.Dense(12, SpecDefaults.Weights(WeightQuant.Binary), Activation.Ternarize)
          SpecDefaults.Dense(12, SpecDefaults.Weights(WeightQuant.Binary), Activation.NBits, 3)
          SpecDefaults.Dense(3, SpecDefaults.Weights(WeightQuant.Binary)) ]
    { SpecDefaults.Model("EveryActivation", ModelKind.Mlp, Features { Count = 4; Bits = 8; FeatureBits = Some [| 8; 30; 4; 16 |] }, layers) with
        QMode = qMode }

let private cnn =
    { SpecDefaults.Model(
          "PoolDropoutCnn",
          ModelKind.Cnn,
          Image { Channels = 1; Height = 12; Width = 12; Bits = 8; Downscale = 1 },
          [ SpecDefaults.Conv(4, kernel = 3, padding = 1, weights = SpecDefaults.Weights(WeightQuant.Binary))
            SpecDefaults.Conv(8, kernel = 3, padding = 1, pool = 2, weights = SpecDefaults.Weights(WeightQuant.Ternary), activation = Activation.Relu)
            SpecDefaults.Dense(16, SpecDefaults.Weights(WeightQuant.Binary), Activation.BinarizeReste)
            SpecDefaults.Dense(10) ]
      ) with
        Dropout = 0.2 }

let private specs =
    [ "MLP, every activation, deterministic", everyActivationMlp QMode.Deterministic
      "MLP, every activation, stochastic", everyActivationMlp QMode.Stochastic
      "CNN with pool and dropout", cnn ]

let cases () : obj[] seq = specs |> Seq.map (fun (name, _) -> [| box name |])

let private inputShape (spec: ModelSpec) (batch: int64) =
    match spec.Input with
    | Features f -> [| batch; int64 f.Count |]
    | Image i -> [| batch; int64 i.Channels; int64 i.Height; int64 i.Width |]

let private classes (spec: ModelSpec) =
    match Array.last spec.Layers with
    | Dense d -> int64 d.Units
    | Conv c -> int64 c.Channels

/// Built and calibrated on the CPU (as `qnn train` does), then moved to meta.
let private builtOnMeta (spec: ModelSpec) =
    torch.manual_seed(5L) |> ignore
    let network = Spec.build spec
    let calibration = torch.rand(inputShape spec 16L).mul_((100.0).ToScalar())
    Training.calibrate network { Features = calibration; Labels = torch.zeros(16L, dtype = torch.ScalarType.Int64) }
    network.``to``(meta) |> ignore
    network

let private offMeta (network: torch.nn.Module<torch.Tensor, torch.Tensor>) =
    [ for struct (name, p) in network.named_parameters() do
          if p.device_type <> DeviceType.META then yield $"parameter {name} on {p.device_type}"
      for struct (name, b) in network.named_buffers(include_nonpersistent = true) do
          if b.device_type <> DeviceType.META then yield $"buffer {name} on {b.device_type}" ]

[<Theory; MemberData(nameof cases)>]
let ``a network moved to meta keeps no parameter or buffer on the CPU`` (name: string) =
    let spec = specs |> List.find (fun (n, _) -> n = name) |> snd
    use network = builtOnMeta spec
    Assert.Empty(offMeta network)
    let buffers = network.named_buffers(include_nonpersistent = true) |> Seq.map (fun struct (n, _) -> n) |> Set.ofSeq
    // The input quantizer's range and its calibrated range is among them.
    for key in [ "input.low"; "input.high" ] do
        Assert.Contains(key, buffers)

/// Every tensor a module holds in a field of its own (an F# `let`, a C# field), module by module:
/// what `.to(device)` must reach, or what a forward would read from the old device.
let private heldTensors (network: torch.nn.Module<torch.Tensor, torch.Tensor>) =
    let flags = System.Reflection.BindingFlags.Instance ||| System.Reflection.BindingFlags.Public ||| System.Reflection.BindingFlags.NonPublic ||| System.Reflection.BindingFlags.DeclaredOnly
    [ for m in network.modules() do
          let mutable t = m.GetType()
          while not (isNull t) && t <> typeof<torch.nn.Module> do
              for field in t.GetFields(flags) do
                  if typeof<torch.Tensor>.IsAssignableFrom field.FieldType then
                      match field.GetValue m with
                      | :? torch.Tensor as tensor when not tensor.IsInvalid -> yield $"{t.Name}.{field.Name}", tensor
                      | _ -> ()
              t <- t.BaseType ]

[<Theory; MemberData(nameof cases)>]
let ``after a move to meta no module holds a CPU tensor in a field`` (name: string) =
    let spec = specs |> List.find (fun (n, _) -> n = name) |> snd
    use network = builtOnMeta spec
    let held = heldTensors network
    Assert.NotEmpty(held)
    Assert.Empty(held |> List.filter (fun (_, t) -> t.device_type <> DeviceType.META) |> List.map fst)

/// Runs `action` on meta tensors: it must finish, or stop only where this libtorch has no meta
/// kernel for an operator (it has none for `where` and `abs.out`, which the quantizers use), never
/// on a tensor left on the CPU.
let private runsOnMeta (action: unit -> unit) =
    try
        action ()
        true
    with :? System.Runtime.InteropServices.ExternalException as e when e.Message.Contains "no fake impl or Meta kernel registered" ->
        Assert.DoesNotContain("same device", e.Message)
        false

[<Theory; MemberData(nameof cases)>]
let ``a forward and a training step on meta meet no CPU tensor`` (name: string) =
    let spec = specs |> List.find (fun (n, _) -> n = name) |> snd
    use network = builtOnMeta spec
    use x = torch.rand(inputShape spec 8L, device = meta)
    use y = torch.zeros(8L, dtype = torch.ScalarType.Int64, device = meta)
    runsOnMeta (fun () ->
        network.eval()
        use evaluated = network.call x
        Assert.Equal(DeviceType.META, evaluated.device_type)
        Assert.Equal<int64[]>([| 8L; classes spec |], evaluated.shape))
    |> ignore
    runsOnMeta (fun () ->
        network.train()
        use adam = new FlatAdam(network.parameters() |> Array.ofSeq, 0.01, 1e-4)
        use logits = network.call x
        use loss = torch.nn.functional.cross_entropy(logits, y)
        loss.backward()
        adam.Step())
    |> ignore
    Assert.Empty(offMeta network)

[<Fact>]
let ``a per-tensor input quantizer calibrated on the CPU runs on meta after a move`` () =
    use quantizer = new InputQuantizer(8)
    (quantizer :> ICalibratedLayer).Calibrate(torch.rand(16L, 1L, 4L, 4L).mul_((255.0).ToScalar()))
    quantizer.``to``(meta) |> ignore
    Assert.Equal(DeviceType.META, quantizer.Low.device_type)
    Assert.Equal(DeviceType.META, quantizer.High.device_type)
    use x = torch.rand(3L, 1L, 4L, 4L, device = meta)
    use codes = quantizer.call x
    Assert.Equal(DeviceType.META, codes.device_type)
    Assert.Equal<int64[]>([| 3L; 1L; 4L; 4L |], codes.shape)

[<Fact>]
let ``FlatAdam built after a move to meta keeps the parameters there and steps`` () =
    use network = builtOnMeta (snd specs.[2])
    let parameters = network.parameters() |> Array.ofSeq
    use adam = new FlatAdam(parameters, 0.01, 1e-4)
    for p in parameters do
        p.grad <- torch.ones_like(p)
    adam.Step()
    Assert.Empty(offMeta network)

[<Fact>]
let ``the default training config trains on the CPU`` () =
    Assert.Equal(DeviceType.CPU, TrainConfig.Default.Device.``type``)
