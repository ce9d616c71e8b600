module Qnn.Tests.NetworkTests

open Xunit
open TorchSharp
open Qnn
open Qnn.Tests.Models
open Qnn.Tests.TestSupport

[<Fact>]
let ``an MLP is input → (fc → bn → act) per hidden layer → fc → bn, with stable names`` () =
    use network = Spec.build vertebralMlp
    Assert.Equal<string list>([ "input"; "fc1"; "bn1"; "act1"; "fc2"; "bn2"; "act2"; "fc3"; "bn3" ], network.Layers |> List.map fst)
    let keys = network.state_dict().Keys |> Set.ofSeq
    for key in [ "input.low"; "input.high"; "fc1.weight"; "bn1.weight"; "bn1.bias"; "bn1.running_mean"; "fc3.weight"; "bn3.running_var" ] do
        Assert.Contains(key, keys)
    Assert.DoesNotContain("fc1.bias", keys)

[<Fact>]
let ``a CNN is conv blocks, flatten and a head with dropout`` () =
    use network = Spec.build miniMnistCnn
    Assert.Equal<string list>(
        [ "input"; "conv1"; "bn1"; "act1"; "conv2"; "bn2"; "act2"; "pool2"; "flatten"
          "fc3"; "bn3"; "drop3"; "act3"; "fc4"; "bn4"; "drop4"; "act4"; "fc5"; "bn5" ],
        network.Layers |> List.map fst)
    network.eval()
    use x = torch.rand(3L, 1L, 28L, 28L)
    Assert.Equal<int64[]>([| 3L; 10L |], (network.call x).shape)

[<Fact>]
let ``outputs are logits, not binarized and not softmaxed`` () =
    torch.manual_seed(2L) |> ignore
    use network = Spec.build vertebralMlp
    use x = torch.randn(64L, 6L)
    network.train()
    let logits = values (network.call x)
    Assert.True(logits |> Array.exists (fun v -> abs v <> 1.0f), "some logit is not ±1")
    Assert.True(logits |> Array.exists (fun v -> v < 0.0f), "some logit is negative (no softmax)")

[<Fact>]
let ``hidden layers use their own activation where they declare one`` () =
    use network = Spec.build miniMnistCnn
    let quantizerOf name =
        match network.Layers |> List.find (fun (n, _) -> n = name) |> snd with
        | :? QuantActivation as a -> a.Quantizer.Name
        | other -> failwith $"{name} is {other.GetType().Name}"
    Assert.Equal("sign", quantizerOf "act1")
    Assert.Equal("sign_reste(o=3, t=1.5)", quantizerOf "act3")

[<Fact>]
let ``a backward pass reaches every latent weight`` () =
    use network = Spec.build miniMnistCnn
    network.train()
    use x = torch.rand(4L, 1L, 28L, 28L)
    use loss = torch.nn.functional.cross_entropy(network.call x, torch.tensor([| 1L; 2L; 3L; 4L |]))
    loss.backward()
    for struct (name, p) in network.named_parameters() do
        Assert.True(not (isNull p.grad) && p.grad.abs().sum().item<float32>() > 0.0f, $"{name} has no gradient")
