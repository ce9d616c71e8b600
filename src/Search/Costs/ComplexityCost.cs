namespace Qnn.Search.Costs;

/// <summary>
/// The notebook authors' printed-electronics complexity estimate. For a dense layer l with
/// n_{l−1} inputs and n_l outputs:
/// <code>C_l = n_{l−1}·n_l·c_w + n_l·c_a</code>
/// with the weight cost c_w = 32 for float weights, b for b-bit (NBits) weights, 1 for binary
/// (scaled or not) and 2 for ternary, and the activation cost c_a = 0 for no activation and for
/// the output layer (logits), 1 for any sign activation (STE, ReSTE, ApproxSign, SwishSign), 2 for
/// ternarize, k for a k-bit DoReFa activation and 10 for ReLU. The input's bits are not counted,
/// as in theirs. A conv block counts the same per output position, with the kernel's k² counted
/// (their code forgot it), plus its pooled outputs at the activation's cost:
/// <code>C_l = C_out·P·(C_in/g·k²)·c_w + C_out·P·c_a + C_out·P′·c_a</code>
/// with P = H·W positions of the convolution and P′ = H′·W′ after pooling (the last term only
/// where the block pools: a max over the window is one c_a-bit comparison per pooled value, a
/// simplification of the (window − 1) comparisons it takes). The model's complexity is Σ_l C_l.
/// </summary>
public static class ComplexityCost
{
    /// <summary>The complexity of a valid spec.</summary>
    public static double Of(ModelSpec spec)
    {
        var stages = Qnn.Spec.stages(spec);
        var total = 0.0;
        for (var index = 0; index < spec.Layers.Length; index++)
        {
            var input = LayerInput(stages, index);
            var (activation, bits) = Shapes.activation(spec, index).ToValueTuple();
            var ca = ActivationCost(activation, bits?.Value);
            switch (spec.Layers[index])
            {
                case LayerSpec.Dense { Item: var d }:
                    total += (double)Shapes.count(input) * d.Units * WeightCost(d.Weights) + (double)d.Units * ca;
                    break;
                case LayerSpec.Conv { Item: var c }:
                    var convolved = stages.First(s => s.Layer == index && s.Kind == StageKind.Conv).Shape;
                    var positions = (double)convolved[1] * convolved[2];
                    var window = (double)(input[0] / c.Groups) * c.Kernel * c.Kernel;
                    total += c.Channels * positions * window * WeightCost(c.Weights) + c.Channels * positions * ca;
                    if (c.Pool > 1)
                        total += Shapes.count(stages.Last(s => s.Layer == index).Shape) * ca;
                    break;
            }
        }
        return total;
    }

    /// <summary>The shape entering layer <paramref name="index"/> (the previous layer's output, or the input).</summary>
    internal static int[] LayerInput(Stage[] stages, int index) =>
        stages.Last(s => s.Layer < index && s.Kind != StageKind.Flatten).Shape;

    /// <summary>c_w: 32 float, b for b-bit, 1 binary (scaled or not), 2 ternary.</summary>
    public static double WeightCost(WeightSpec weights) =>
        Qnn.Rules.WeightBits.PerWeight(weights.Mode, weights.Bits is null ? null : weights.Bits.Value);

    /// <summary>c_a: 0 none (and logits), 1 any sign, 2 ternarize, k for k-bit DoReFa, 10 ReLU.</summary>
    public static double ActivationCost(Activation activation, int? bits) => activation switch
    {
        Activation.Binarize or Activation.BinarizeReste or Activation.BinarizeApprox or Activation.BinarizeSwish => 1,
        Activation.Ternarize => 2,
        Activation.NBits => bits ?? 32,
        Activation.Relu => 10,
        _ => 0,
    };
}
