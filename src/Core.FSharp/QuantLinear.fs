namespace Qnn

open System
open TorchSharp
open type TorchSharp.torch.nn

/// A fully connected layer whose float latent weights pass through `weightQuantizer` on every
/// forward: y = x·Q(W)ᵀ (+ b). No bias by default: a BatchNorm follows in Qnn's topologies.
/// `clipLatentWeights` lets training clamp the latent weights to [-1, 1] after each step
/// (BinaryNet), which keeps binary weights able to flip sign.
type QuantLinear(inFeatures: int64, outFeatures: int64, weightQuantizer: Quantizer, ?bias: bool, ?clipLatentWeights: bool) as this =
    inherit Module<torch.Tensor, torch.Tensor>("QuantLinear")

    let weight = Parameter(torch.empty(outFeatures, inFeatures))
    let bias =
        if defaultArg bias false then Parameter(torch.zeros(outFeatures)) else null
    let clip = defaultArg clipLatentWeights false

    do
        LatentWeights.initialize weight bias inFeatures
        this.register_parameter("weight", weight)
        if not (isNull bias) then this.register_parameter("bias", bias)

    member _.InFeatures = inFeatures
    member _.OutFeatures = outFeatures
    member _.WeightQuantizer = weightQuantizer
    /// The latent (float) weights, [out, in].
    member _.Weight = weight
    /// The weights the forward pass uses: Q(W).
    member this.QuantizedWeight = weightQuantizer.Apply(weight, this.training)

    /// The weights as integers and a scale per output channel ([out, in]; see `IntegerWeights`),
    /// what an integer-only engine stores: the evaluation forward's weights are exactly
    /// `Integers · Scales`. Throws for float weights (`WeightQuantizer.HasIntegerForm` is false).
    member _.IntegerWeights() : IntegerWeights =
        use _ = torch.no_grad()
        weightQuantizer.Integers(weight.detach())

    override this.forward(input) =
        functional.linear(input, weightQuantizer.Apply(weight, this.training), (if isNull bias then null else bias))

    interface ILatentWeightLayer with
        member _.ClipLatentWeights() = if clip then LatentWeights.clip weight
