/// What QuantLinear and QuantConv2d share about their float latent weights.
module internal Qnn.LatentWeights

open System
open TorchSharp

/// torch.nn's initialisation of Linear and Conv2d: weight and bias uniform in ±1/√fan_in.
let initialize (weight: torch.Tensor) (bias: torch.Tensor) (fanIn: int64) =
    use _ = torch.no_grad()
    let bound = 1.0 / Math.Sqrt(float fanIn)
    torch.nn.init.uniform_(weight, -bound, bound) |> ignore
    if not (isNull bias) then torch.nn.init.uniform_(bias, -bound, bound) |> ignore

/// Clamps latent weights to [-1, 1] in place (BinaryNet), so a binary weight can always flip back.
let clip (weight: torch.Tensor) =
    use _ = torch.no_grad()
    weight.clamp_((-1.0).ToScalar(), (1.0).ToScalar()) |> ignore
