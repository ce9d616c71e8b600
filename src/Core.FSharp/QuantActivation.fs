namespace Qnn

open TorchSharp

/// An activation layer that applies a `Quantizer` (sign with an estimator, ternarize, DoReFa,
/// ReLU or identity). It has no parameters.
type QuantActivation(quantizer: Quantizer) =
    inherit torch.nn.Module<torch.Tensor, torch.Tensor>("QuantActivation")
    member _.Quantizer = quantizer
    override this.forward(input) = quantizer.Apply(input, this.training)
