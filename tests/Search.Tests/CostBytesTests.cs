using Xunit;
using Qnn.Engine;
using Qnn.Export;
using Qnn.Search.Costs;
using TorchSharp;
using Qnn.Engine.Format;

namespace Qnn.Search.Tests;

/// <summary>Bytes of the engine's file on hand-computed specs, and against real exported files.</summary>
public sealed class CostBytesTests
{
    [Fact]
    public void BinaryResteMlp()
    {
        // file 24 (with the empty class-names count of version 4) + name 3 + input (1 + 4 + 4 + 9) = 45;
        // fc1: 1 + 5 + 4 + 1 + 6·4 (multipliers) + (1 + 4 + 32·5) + 4 + 32·8 = 460;
        // fc2: 1 + 5 + 4 + 1 + 165 + 4 + 32·8 = 436; fc3: 1 + 5 + 4 + 1 + (1 + 4 + 4 + 3·8) + 4 + 3·8 = 72.
        Assert.Equal(45 + 460 + 436 + 72, BytesCost.Of(CostSpecs.Valid(CostSpecs.BinaryReste)));
    }

    [Fact]
    public void TernaryMlpWithAnAffineHiddenOutput()
    {
        // 41; fc1: 6 + 4 + 1 + 16 + (1 + 4 + 4 + 8·8) + 2 + 2·(4 + 8·8) = 238; fc2: 6 + 5 + 25 + 2 + 2·(4 + 2·8) = 78.
        Assert.Equal(45 + 238 + 78, BytesCost.Of(CostSpecs.Valid(CostSpecs.TernaryTernarize)));
    }

    [Fact]
    public void NBitsMlpWeightsPackedToTheirWidth()
    {
        // 41; fc1: 6 + 4 + 1 + 5·4 + (1 + 4 + 4 + 16·8) + 2 + 4 + 80·4/8 = 214;
        // fc2: 6 + 5 + (9 + 32) + 2 + 4 + 64·6/8 = 106.
        Assert.Equal(45 + 214 + 106, BytesCost.Of(CostSpecs.Valid(CostSpecs.NBitsDoReFa)));
    }

    [Fact]
    public void FloatReluMlp()
    {
        // 41; fc1: 6 + 4 + 4 + 1 + 60·4 + 10·8 = 335; fc2: 6 + 9 + 30·4 + 3·8 = 159.
        Assert.Equal(45 + 335 + 159, BytesCost.Of(CostSpecs.Valid(CostSpecs.FloatRelu)));
    }

    [Fact]
    public void SmallCnn()
    {
        // 24 + 3 + input (1 + 12 + 4 + 9) = 53; conv1: 1 + 7 + 36 + 1 + (1 + 4 + 4·5) + 4 + 4·8 = 106;
        // pool1: 1 + 7 + 12 + 4 = 24; fc2: 6 + 4 + 1 + (1 + 4 + 4 + 80) + 4 + 10·8 = 184.
        Assert.Equal(53 + 106 + 24 + 184, BytesCost.Of(CostSpecs.Valid(CostSpecs.SmallCnn)));
    }

    [Fact]
    public void PerFeatureRangesCountNineBytesEach()
    {
        var single = CostSpecs.Mlp("p", CostSpecs.Features(4, 8), SpecDefaults.Dense(2, CostSpecs.Binary));
        var perFeature = CostSpecs.Mlp("p", InputSpec.NewFeatures(new FeatureInputSpec(4, 8, new[] { 2, 3, 4, 8 })), SpecDefaults.Dense(2, CostSpecs.Binary));
        Assert.Equal(3 * 9, BytesCost.Of(CostSpecs.Valid(perFeature)) - BytesCost.Of(CostSpecs.Valid(single)));
    }

    public static TheoryData<string> Exportable => new() { "binary", "ternary", "nbits", "cnn", "wide" };

    /// <summary>Specs the engine exports: the estimate must be the file's size to the byte.</summary>
    [Theory]
    [MemberData(nameof(Exportable))]
    public void MatchesTheExportedFile(string which)
    {
        var spec = CostSpecs.Valid(which switch
        {
            "binary" => CostSpecs.BinaryReste,
            "ternary" => CostSpecs.Mlp("ternary", CostSpecs.Features(5, 4),
                SpecDefaults.Dense(12, CostSpecs.Ternary, Activation.Binarize), SpecDefaults.Dense(3, CostSpecs.Ternary)),
            "nbits" => CostSpecs.Mlp("n-bit model", CostSpecs.Features(7, 3),
                SpecDefaults.Dense(9, CostSpecs.NBits(5), Activation.BinarizeSwish), SpecDefaults.Dense(70, CostSpecs.Binary, Activation.BinarizeApprox),
                SpecDefaults.Dense(4, CostSpecs.NBits(8))),
            "wide" => CostSpecs.Mlp("wide", InputSpec.NewFeatures(new FeatureInputSpec(130, 8, Enumerable.Range(0, 130).Select(i => 2 + 2 * (i % 3)).ToArray())),
                SpecDefaults.Dense(65, CostSpecs.Binary, Activation.Binarize), SpecDefaults.Dense(10, SpecDefaults.Weights(WeightQuant.Binary, scaled: true))),
            _ => CostSpecs.SmallCnn,
        });
        torch.manual_seed(1);
        using var network = Qnn.Spec.build(spec);
        using var file = new MemoryStream();
        QnnxFormat.Write(EngineExporter.Export(network), file);
        Assert.Equal(file.Length, BytesCost.Of(spec));
    }
}
