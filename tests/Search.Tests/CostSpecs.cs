using Xunit;
using Microsoft.FSharp.Core;

namespace Qnn.Search.Tests;

/// <summary>The hand-computed specs of the cost tests.</summary>
internal static class CostSpecs
{
    public static WeightSpec Binary => SpecDefaults.Weights(WeightQuant.Binary);
    public static WeightSpec Ternary => SpecDefaults.Weights(WeightQuant.Ternary);
    public static WeightSpec Float => SpecDefaults.Weights(WeightQuant.None);
    public static WeightSpec NBits(int bits) => SpecDefaults.Weights(WeightQuant.NBits, bits);

    public static InputSpec Features(int count, int bits) =>
        InputSpec.NewFeatures(new FeatureInputSpec(count, bits, FSharpOption<int[]>.None));

    public static ModelSpec Mlp(string name, InputSpec input, params LayerSpec[] layers) =>
        SpecDefaults.Model(name, ModelKind.Mlp, input, layers);

    /// <summary>6-32-32-3, binary weights, ReSTE activations, 8-bit input.</summary>
    public static ModelSpec BinaryReste => Mlp("m", Features(6, 8),
        SpecDefaults.Dense(32, Binary, Activation.BinarizeReste),
        SpecDefaults.Dense(32, Binary, Activation.BinarizeReste),
        SpecDefaults.Dense(3, Binary));

    /// <summary>4-8-2, ternary weights, Ternarize activation, 4-bit input.</summary>
    public static ModelSpec TernaryTernarize => Mlp("t", Features(4, 4),
        SpecDefaults.Dense(8, Ternary, Activation.Ternarize),
        SpecDefaults.Dense(2, Ternary));

    /// <summary>5-16-4, 4-bit weights with a 3-bit DoReFa activation, 6-bit output weights, 8-bit input.</summary>
    public static ModelSpec NBitsDoReFa => Mlp("n", Features(5, 8),
        SpecDefaults.Dense(16, NBits(4), Activation.NBits, 3),
        SpecDefaults.Dense(4, NBits(6)));

    /// <summary>6-10-3, float weights, ReLU, 32-bit (float) input.</summary>
    public static ModelSpec FloatRelu => Mlp("r", Features(6, 32),
        SpecDefaults.Dense(10, Float, Activation.Relu),
        SpecDefaults.Dense(3, Float));

    /// <summary>1×8×8 8-bit image → conv 4 channels (3×3, padding 1, pool 2, binary, sign) → 10 binary outputs.</summary>
    public static ModelSpec SmallCnn => SpecDefaults.Model("c", ModelKind.Cnn,
        InputSpec.NewImage(new ImageInputSpec(1, 8, 8, 8, 1)),
        new[]
        {
            SpecDefaults.Conv(4, kernel: 3, padding: 1, pool: 2, weights: Binary, activation: Activation.Binarize),
            SpecDefaults.Dense(10, Binary),
        });

    /// <summary>Whether the spec has no validation errors (a cost test on an invalid spec would prove nothing).</summary>
    public static ModelSpec Valid(ModelSpec spec)
    {
        var errors = Qnn.Spec.validate(spec).Where(d => d.IsError).Select(d => d.Message).ToList();
        Assert.True(errors.Count == 0, string.Join("; ", errors));
        return spec;
    }
}
