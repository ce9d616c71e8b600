using Xunit;
using Qnn.Search.Costs;

namespace Qnn.Search.Tests;

/// <summary>Complexity C = Σ n_{l−1}·n_l·c_w + n_l·c_a on hand-computed specs.</summary>
public sealed class CostComplexityTests
{
    [Fact]
    public void BinaryResteMlp()
    {
        // 6·32·1 + 32·1 = 224; 32·32·1 + 32·1 = 1056; 32·3·1 + 0 (logits) = 96.
        Assert.Equal(224 + 1056 + 96, ComplexityCost.Of(CostSpecs.Valid(CostSpecs.BinaryReste)));
    }

    [Fact]
    public void TernaryMlp()
    {
        // 4·8·2 + 8·2 (ternarize) = 80; 8·2·2 = 32.
        Assert.Equal(80 + 32, ComplexityCost.Of(CostSpecs.Valid(CostSpecs.TernaryTernarize)));
    }

    [Fact]
    public void NBitsDoReFaMlp()
    {
        // 5·16·4 + 16·3 = 368; 16·4·6 = 384.
        Assert.Equal(368 + 384, ComplexityCost.Of(CostSpecs.Valid(CostSpecs.NBitsDoReFa)));
    }

    [Fact]
    public void FloatReluMlp()
    {
        // 6·10·32 + 10·10 = 2020; 10·3·32 = 960.
        Assert.Equal(2020 + 960, ComplexityCost.Of(CostSpecs.Valid(CostSpecs.FloatRelu)));
    }

    [Fact]
    public void SmallCnnCountsTheKernelAndThePooledOutputs()
    {
        // conv: 4 channels · 64 positions · (1·3²) · 1 = 2304, + 4·64·1 (signs) = 256, + 4·4·4·1 pooled = 64;
        // head: 64·10·1 = 640.
        Assert.Equal(2304 + 256 + 64 + 640, ComplexityCost.Of(CostSpecs.Valid(CostSpecs.SmallCnn)));
    }

    [Fact]
    public void ScaledBinaryCostsAsBinaryAndInputBitsAreNotCounted()
    {
        var plain = CostSpecs.Mlp("a", CostSpecs.Features(6, 2), SpecDefaults.Dense(3, CostSpecs.Binary));
        var scaled = CostSpecs.Mlp("a", CostSpecs.Features(6, 16), SpecDefaults.Dense(3, SpecDefaults.Weights(WeightQuant.Binary, scaled: true)));
        Assert.Equal(18, ComplexityCost.Of(CostSpecs.Valid(plain)));
        Assert.Equal(18, ComplexityCost.Of(CostSpecs.Valid(scaled)));
    }

    [Theory]
    [InlineData(Activation.None, 0)]
    [InlineData(Activation.Binarize, 1)]
    [InlineData(Activation.BinarizeApprox, 1)]
    [InlineData(Activation.BinarizeSwish, 1)]
    [InlineData(Activation.Ternarize, 2)]
    [InlineData(Activation.Relu, 10)]
    public void ActivationCosts(Activation activation, double expected) =>
        Assert.Equal(expected, ComplexityCost.ActivationCost(activation, null));
}
