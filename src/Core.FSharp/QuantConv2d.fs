namespace Qnn

open System
open TorchSharp
open type TorchSharp.torch.nn

/// A 2-D convolution (square kernel, stride, padding, dilation, groups) whose float latent
/// weights pass through `weightQuantizer` on every forward. No bias by default.
type QuantConv2d
    (
        inChannels: int64,
        outChannels: int64,
        kernel: int64,
        weightQuantizer: Quantizer,
        ?stride: int64,
        ?padding: int64,
        ?dilation: int64,
        ?groups: int64,
        ?bias: bool,
        ?clipLatentWeights: bool
    ) as this =
    inherit Module<torch.Tensor, torch.Tensor>("QuantConv2d")

    // Before oneDNN runs its first convolution (see OneDnnGuard).
    do OneDnnGuard.apply () |> ignore
    let stride = defaultArg stride 1L
    let padding = defaultArg padding 0L
    let dilation = defaultArg dilation 1L
    let groups = defaultArg groups 1L
    let clip = defaultArg clipLatentWeights false
    let weight = Parameter(torch.empty(outChannels, inChannels / groups, kernel, kernel))
    let bias =
        if defaultArg bias false then Parameter(torch.zeros(outChannels)) else null

    do
        LatentWeights.initialize weight bias (inChannels / groups * kernel * kernel)
        this.register_parameter("weight", weight)
        if not (isNull bias) then this.register_parameter("bias", bias)

    member _.InChannels = inChannels
    member _.OutChannels = outChannels
    member _.Kernel = kernel
    member _.Stride = stride
    member _.Padding = padding
    member _.Dilation = dilation
    member _.Groups = groups
    member _.WeightQuantizer = weightQuantizer
    /// The latent (float) weights, [out, in/groups, k, k].
    member _.Weight = weight

    /// The weights as integers and a scale per output channel ([out, in/groups, k, k]; see `IntegerWeights`),
    /// what an integer-only engine stores: the evaluation forward's weights are exactly
    /// `Integers · Scales`. Throws for float weights (`WeightQuantizer.HasIntegerForm` is false).
    member _.IntegerWeights() : IntegerWeights =
        use _ = torch.no_grad()
        weightQuantizer.Integers(weight.detach())

    override this.forward(input) =
        functional.conv2d(
            input,
            weightQuantizer.Apply(weight, this.training),
            (if isNull bias then null else bias),
            strides = [| stride; stride |],
            padding = [| padding; padding |],
            dilation = [| dilation; dilation |],
            groups = groups
        )

    interface ILatentWeightLayer with
        member _.ClipLatentWeights() = if clip then LatentWeights.clip weight
