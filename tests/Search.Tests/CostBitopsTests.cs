using Xunit;
using Qnn.Search.Costs;
using Qnn.Search.Trials;

namespace Qnn.Search.Tests;

/// <summary>Bitops = Σ MACs · bits(weights) · bits(inputs) on hand-computed specs.</summary>
public sealed class CostBitopsTests
{
    [Fact]
    public void BinaryResteMlp()
    {
        // 6·32 MACs on 8-bit inputs = 1536; 32·32 binary×binary = 1024; 32·3 = 96.
        Assert.Equal(1536 + 1024 + 96, BitopsCost.Of(CostSpecs.Valid(CostSpecs.BinaryReste)));
    }

    [Fact]
    public void TernaryMlp()
    {
        // 32 MACs · 2 · 4 = 256; 16 MACs · 2 · 2 (ternarized inputs) = 64.
        Assert.Equal(256 + 64, BitopsCost.Of(CostSpecs.Valid(CostSpecs.TernaryTernarize)));
    }

    [Fact]
    public void NBitsDoReFaMlp()
    {
        // 80 · 4 · 8 = 2560; 64 · 6 · 3 = 1152.
        Assert.Equal(2560 + 1152, BitopsCost.Of(CostSpecs.Valid(CostSpecs.NBitsDoReFa)));
    }

    [Fact]
    public void FloatReluMlp()
    {
        // 60 · 32 · 32 = 61440; 30 · 32 · 32 = 30720 (ReLU outputs are float).
        Assert.Equal(61440 + 30720, BitopsCost.Of(CostSpecs.Valid(CostSpecs.FloatRelu)));
    }

    [Fact]
    public void SmallCnn()
    {
        // conv: 9 · 4 · 64 = 2304 MACs · 1 · 8 = 18432; head 640 · 1 · 1.
        Assert.Equal(18432 + 640, BitopsCost.Of(CostSpecs.Valid(CostSpecs.SmallCnn)));
    }

    [Fact]
    public void AllThreeAndPick()
    {
        var costs = CostModels.Of(CostSpecs.Valid(CostSpecs.BinaryReste));
        Assert.Equal(new TrialCosts(1376, 2656, 1013), costs);
        Assert.Equal(1376, CostModels.Pick(costs, CostModel.Complexity));
        Assert.Equal(2656, CostModels.Pick(costs, CostModel.Bitops));
        Assert.Equal(1013, CostModels.Pick(costs, CostModel.Bytes));
        Assert.Equal(CostModel.Bitops, CostModels.Named("BITOPS"));
        Assert.Null(CostModels.Named("1"));
        Assert.Null(CostModels.Named("flops"));
    }
}
