using Qnn.Engine;
using Qnn.Engine.Format;

namespace Qnn.Export;

/// <summary>
/// How one layer runs and what it hands on: whether its sums are exact integers (integer weights
/// on integer inputs whose largest sum fits int32) or reals, its output (folded thresholds where
/// the sums are integers and the activation quantizes: sign, ternary, DoReFa of up to 3 bits; DoReFa
/// of 4 to 8 bits as integer requantization;
/// the affine form and the activation in float otherwise) and what flows into the next layer.
/// </summary>
internal sealed record OutputPlan(bool IntegerSums, LayerOutput Output, Incoming Next)
{
    private static readonly Activation[] SignActivations = { Activation.Binarize, Activation.BinarizeReste, Activation.BinarizeApprox, Activation.BinarizeSwish };

    /// <summary>The widest DoReFa activation folded into thresholds (2^8 − 1 per output).</summary>
    public const int MaxFoldedActivationBits = 8;

    /// <summary>The narrowest DoReFa activation requantized (<see cref="Requantization"/>: four
    /// numbers an output) rather than folded into 2^k − 1 thresholds an output: from 4 bits
    /// (15 thresholds) the four numbers are the smaller table and the faster code.</summary>
    public const int MinRequantizedActivationBits = 4;

    public static bool IsSign(Activation activation) => SignActivations.Contains(activation);

    /// <summary>Plans layer <paramref name="index"/>: <paramref name="weights"/> are its integer
    /// weights (null for float ones), <paramref name="terms"/> the terms of one sum (the fan-in, or
    /// a convolution's window).</summary>
    public static OutputPlan Of(ModelSpec spec, int index, bool isOutput, TorchSharp.Modules.NormBase norm, Incoming incoming,
        IntegerWeights? weights, long terms, bool twoDimensional)
    {
        var (activation, activationBits) = Shapes.activation(spec, index).ToValueTuple();
        if (isOutput) activation = Activation.None;
        var scales = weights is null || weights.Unscaled ? null : weights.Scales;
        // Above 24 bits the core's float32 integers reach 2^(n−1), one past its stated top (LayerWeights.Top).
        var largest = weights is null ? 0 : weights.Largest >= 1 << 23 ? weights.Largest + 1.0 : weights.Largest;
        var integer = weights is not null && incoming.IsInteger && incoming.LargestTerm(0) * terms * largest <= QnnxLimits.MaxAccumulator;
        var denominator = integer ? incoming.Denominator : 1;
        var scale = 1f / denominator;
        var levels = activation == Activation.NBits ? (1L << activationBits.Value) - 1 : 0;
        var codes = new Incoming(Incoming.Values.Integers, levels, levels, null, null);
        var ternaries = new Incoming(Incoming.Values.Integers, 1, 1, null, null);
        if (activation == Activation.None)
            return new(integer, BatchNormFolding.Logits(norm, scale, scales), Incoming.Reals);
        if (activation == Activation.Relu)
            return new(integer, BatchNormFolding.Activated(norm, scale, scales, OutputActivation.Relu, 0), Incoming.Reals);
        if (!integer)
        {
            return activation switch
            {
                Activation.Ternarize => new(false, BatchNormFolding.Activated(norm, 1, scales, OutputActivation.Ternary, (float)spec.TernaryThreshold), ternaries),
                Activation.NBits => new(false, BatchNormFolding.Activated(norm, 1, scales, OutputActivation.DoReFa, levels), codes),
                _ => new(false, BatchNormFolding.Activated(norm, 1, scales, OutputActivation.Sign, 0), Incoming.Signs),
            };
        }
        if (IsSign(activation))
        {
            var range = (int)(terms * weights!.Largest);
            return new(true, BatchNormFolding.Thresholds(norm, range, incoming.Kind != Incoming.Values.Signs, denominator, twoDimensional, scales), Incoming.Signs);
        }
        if (activation == Activation.Ternarize)
        {
            var t = spec.TernaryThreshold;
            return new(true, BatchNormFolding.Levels(norm, denominator, scales, new[] { (-t, false), (t, true) }, new[] { -1f, 0f, 1f }), ternaries);
        }
        if (activationBits.Value > MaxFoldedActivationBits)
            return new(true, BatchNormFolding.Activated(norm, scale, scales, OutputActivation.DoReFa, levels), codes);
        if (activationBits.Value >= MinRequantizedActivationBits)
        {
            var bound = (long)Math.Ceiling(incoming.LargestTerm(0) * terms * largest);
            return new(true, BatchNormFolding.Requantized(norm, denominator, scales, (int)levels, bound), codes);
        }
        var cuts = Enumerable.Range(1, (int)levels).Select(l => ((l - 0.5) / levels, false)).ToArray();
        return new(true, BatchNormFolding.Levels(norm, denominator, scales, cuts, Enumerable.Range(0, (int)levels + 1).Select(v => (float)v).ToArray()), codes);
    }
}
