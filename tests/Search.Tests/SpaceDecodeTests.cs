using Qnn.Search.Costs;
using Qnn.Search.Genes;
using Qnn.Search.Spaces;
using Xunit;

namespace Qnn.Search.Tests;

/// <summary>Genes of the built-in spaces and what genomes decode to.</summary>
public sealed class SpaceDecodeTests
{
    private static readonly InputShape Vertebral = new(new[] { 6 });
    private static readonly InputShape Images = new(new[] { 1, 28, 28 });

    /// <summary>A genome of zeros with the named genes set.</summary>
    private static Genome With(IReadOnlyList<GeneDomain> domains, params (string Name, int Value)[] genes)
    {
        var values = new int[domains.Count];
        foreach (var (name, value) in genes)
        {
            var index = domains.Select(d => d.Name).ToList().IndexOf(name);
            Assert.True(index >= 0, $"no gene {name}");
            values[index] = value;
        }
        return new Genome(values);
    }

    private static DenseSpec DenseAt(ModelSpec spec, int index) => ((LayerSpec.Dense)spec.Layers[index]).Item;

    private static ConvSpec ConvAt(ModelSpec spec, int index) => ((LayerSpec.Conv)spec.Layers[index]).Item;

    [Fact]
    public void MlpGenesInTheirFixedOrder()
    {
        var expected = new List<GeneDomain> { new("inputBits", 8, true), new("hiddenLayers", 4, true) };
        for (var i = 0; i < 3; i++)
            expected.AddRange(new GeneDomain[] { new($"units[{i}]", 7, true), new($"weights[{i}]", 4, false), new($"layerBits[{i}]", 8, true), new($"activation[{i}]", 4, false) });
        expected.AddRange(new GeneDomain[] { new("weights[output]", 4, false), new("outputBits", 8, true), new("dropout", 3, true) });
        var space = SearchSpace.Builtin("mlp");
        Assert.Equal(expected, space.Domains);
        Assert.Equal(expected, SearchSpace.Builtin("mlp").Domains);
        Assert.Equal(expected, space.DomainsFor(Images));
        Assert.False(space.DependsOnInput);
    }

    [Fact]
    public void CnnGenesInTheirFixedOrder()
    {
        var expected = new List<GeneDomain> { new("inputBits", 8, true), new("convLayers", 4, true) };
        for (var i = 0; i < 4; i++)
            expected.AddRange(new GeneDomain[] { new($"channels[{i}]", 5, true), new($"stride[{i}]", 2, true), new($"pool[{i}]", 2, true), new($"convBits[{i}]", 8, true), new($"convActivation[{i}]", 4, false) });
        expected.Add(new GeneDomain("fcLayers", 3, true));
        for (var i = 0; i < 2; i++)
            expected.AddRange(new GeneDomain[] { new($"fcUnits[{i}]", 5, true), new($"weights[{i}]", 4, false), new($"layerBits[{i}]", 8, true), new($"activation[{i}]", 4, false) });
        expected.AddRange(new GeneDomain[] { new("weights[output]", 4, false), new("outputBits", 8, true), new("dropout", 3, true) });
        Assert.Equal(expected, SearchSpace.Builtin("cnn").Domains);
    }

    public static TheoryData<string, int[], int> Cases => new()
    {
        { "mlp", new[] { 6 }, 3 },
        { "mlp", new[] { 1, 28, 28 }, 10 },
        { "cnn", new[] { 1, 28, 28 }, 10 },
    };

    /// <summary>2,000 seeded random genomes: each a valid spec with finite costs (the built-in spaces
    /// have no infeasible genome on these inputs), and decoding twice gives the same spec.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void RandomGenomesDecodeToValidSpecs(string name, int[] shape, int classes)
    {
        var space = SearchSpace.Builtin(name);
        var input = new InputShape(shape);
        var domains = space.DomainsFor(input);
        var random = new Random(12);
        var distinct = new HashSet<string>();
        for (var trial = 0; trial < 2000; trial++)
        {
            var genome = new Genome(domains.Select(d => random.Next(d.Count)));
            var candidate = space.Decode(genome, input, classes, $"{name}-{trial}");
            Assert.True(candidate.Spec is not null, $"{genome}: {candidate.Problem}");
            Assert.Null(candidate.Problem);
            Assert.DoesNotContain(Qnn.Spec.validate(candidate.Spec), d => d.IsError);
            Assert.Equal(classes, DenseAt(candidate.Spec, candidate.Spec.Layers.Length - 1).Units);
            var costs = CostModels.Of(candidate.Spec);
            Assert.True(costs.Complexity > 0 && costs.Bitops > 0 && costs.Bytes > 0, $"{genome}: {costs}");
            Assert.Equal(Qnn.Spec.toJson(candidate.Spec), Qnn.Spec.toJson(space.Decode(genome, input, classes, $"{name}-{trial}").Spec!));
            distinct.Add(Qnn.Spec.toJson(candidate.Spec));
        }
        Assert.True(distinct.Count > 1500, $"only {distinct.Count} distinct specs");
    }

    private const string WildMlp = """
        {"kind": "mlp", "hiddenLayers": {"min": 0, "max": 8}, "units": [1, 3, 100000], "featureBits": true, "inputBits": {"min": 1, "max": 32},
         "layerBits": {"min": 1, "max": 31}, "weights": ["ScaledBinary", "Binary", "Ternary", "NBits", "None"],
         "activation": ["NBits", "Ternarize", "BinarizeApprox", "BinarizeSwish", "None", "Relu", "Binarize", "BinarizeReste"],
         "activationBits": {"min": 1, "max": 31}, "dropout": [0, 0.9], "resteO": [1, 7], "resteThreshold": [0.1, 9]}
        """;

    private const string WildCnn = """
        {"kind": "cnn", "convLayers": {"min": 0, "max": 6}, "channels": [1, 3, 200000], "stride": {"min": 1, "max": 9}, "pool": [1, 4, 7],
         "convBits": {"min": 1, "max": 31}, "fcLayers": {"min": 0, "max": 3}, "fcUnits": [1, 2],
         "activation": ["NBits", "Ternarize", "None", "Relu", "Binarize"], "inputBits": {"min": 1, "max": 32}}
        """;

    public static TheoryData<string, int[]> WildSpaces => new() { { WildMlp, new[] { 3 } }, { WildCnn, new[] { 3, 5, 7 } } };

    /// <summary>Spaces at the edges of what a spec takes (oversized layers, huge strides and pools on
    /// a small image): every genome is a valid spec or infeasible with its problem, never an
    /// exception, and some are infeasible (so the check has something to catch).</summary>
    [Theory]
    [MemberData(nameof(WildSpaces))]
    public void WildSpacesNeverThrow(string json, int[] shape)
    {
        var space = SearchSpace.Parse(json);
        var input = new InputShape(shape);
        var domains = space.DomainsFor(input);
        var random = new Random(5);
        var (feasible, infeasible) = (0, 0);
        for (var trial = 0; trial < 2000; trial++)
        {
            var candidate = space.Decode(new Genome(domains.Select(d => random.Next(d.Count))), input, 4, "wild");
            if (candidate.Spec is { } spec)
            {
                Assert.DoesNotContain(Qnn.Spec.validate(spec), d => d.IsError);
                Assert.True(CostModels.Of(spec).Complexity >= 0);
                feasible++;
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(candidate.Problem));
                infeasible++;
            }
        }
        Assert.True(feasible > 100 && infeasible > 0, $"{feasible} feasible, {infeasible} infeasible");
    }

    [Fact]
    public void ZeroGenomeIsTheSmallestMlp()
    {
        var space = SearchSpace.Builtin("mlp");
        var spec = space.Decode(new Genome(new int[space.Domains.Count]), Vertebral, 3, "zero").Spec!;
        Assert.Equal("zero", spec.Name);
        Assert.Equal(ModelKind.Mlp, spec.Kind);
        var input = ((InputSpec.Features)spec.Input).Item;
        Assert.Equal((6, 1), (input.Count, input.Bits));
        Assert.Single(spec.Layers);
        Assert.Equal(WeightQuant.Binary, DenseAt(spec, 0).Weights.Mode);
        Assert.Equal(0.0, spec.Dropout);
    }

    [Fact]
    public void MlpGenesBecomeLayers()
    {
        var space = SearchSpace.Builtin("mlp");
        // Two hidden layers: 32 units NBits 1 bit (binary) with ReSTE, 12 units NBits 4 bits with no
        // activation; the third slot's genes are ignored; output NBits 8 bits; dropout 0.2; 5-bit input.
        var genome = With(space.Domains, ("inputBits", 4), ("hiddenLayers", 2),
            ("units[0]", 6), ("weights[0]", 2), ("layerBits[0]", 0), ("activation[0]", 2),
            ("units[1]", 3), ("weights[1]", 2), ("layerBits[1]", 3), ("activation[1]", 0),
            ("units[2]", 5), ("weights[2]", 1), ("activation[2]", 3),
            ("weights[output]", 2), ("outputBits", 7), ("dropout", 2));
        var spec = space.Decode(genome, Vertebral, 3, "m").Spec!;
        Assert.Equal(5, ((InputSpec.Features)spec.Input).Item.Bits);
        Assert.Equal(3, spec.Layers.Length);
        var (first, second, output) = (DenseAt(spec, 0), DenseAt(spec, 1), DenseAt(spec, 2));
        Assert.Equal((32, WeightQuant.Binary, Activation.BinarizeReste), (first.Units, first.Weights.Mode, first.Activation.Value));
        Assert.Equal((12, WeightQuant.NBits, 4, Activation.None), (second.Units, second.Weights.Mode, second.Weights.Bits.Value, second.Activation.Value));
        Assert.Equal((3, WeightQuant.NBits, 8), (output.Units, output.Weights.Mode, output.Weights.Bits.Value));
        Assert.Null(output.Activation);
        Assert.Equal(0.2, spec.Dropout);
    }

    [Fact]
    public void EmptyConvBlocksLoseTheirPooling()
    {
        var space = SearchSpace.Builtin("cnn");
        // Four blocks of stride 2 and pool 2 on 28×28: 14→7, 4→2, 1→0 (pool dropped: 1), 1→0 (dropped: 1).
        var genes = new List<(string, int)> { ("convLayers", 3) };
        for (var i = 0; i < 4; i++) genes.AddRange(new[] { ($"stride[{i}]", 1), ($"pool[{i}]", 1), ($"channels[{i}]", 0) });
        var spec = space.Decode(With(space.Domains, genes.ToArray()), Images, 10, "c").Spec!;
        Assert.Equal(new[] { 2, 2, 1, 1 }, Enumerable.Range(0, 4).Select(i => ConvAt(spec, i).Pool));
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal((3, 1, 2, WeightQuant.Binary), (ConvAt(spec, i).Kernel, ConvAt(spec, i).Padding, ConvAt(spec, i).Stride, ConvAt(spec, i).Weights.Mode)));
        Assert.Equal(16, Qnn.Spec.flattenedFeatures(spec));
    }

    [Fact]
    public void A_separable_slot_is_a_depthwise_and_a_pointwise_convolution()
    {
        var space = SearchSpace.Parse("""{ "kind": "cnn", "convLayers": {"min": 1, "max": 2}, "channels": [8, 16], "stride": {"min": 1, "max": 2}, "pool": [1, 2], "separable": [false, true] }""");
        Assert.Contains(new GeneDomain("separable[1]", 2, false), space.Domains);
        Assert.Contains("\"separable\": [\n    false,\n    true\n  ]", space.Json.ReplaceLineEndings("\n"));
        Assert.Equal(space.Json, SearchSpace.Parse(space.Json).Json);
        // Slot 0 on one channel stays a plain convolution even when its gene says separable.
        var spec = space.Decode(With(space.Domains, ("convLayers", 1), ("channels[0]", 0), ("separable[0]", 1),
            ("channels[1]", 1), ("stride[1]", 1), ("pool[1]", 1), ("separable[1]", 1)), Images, 10, "s").Spec!;
        Assert.Equal(3 + 1, spec.Layers.Length);
        var (first, depthwise, pointwise) = (ConvAt(spec, 0), ConvAt(spec, 1), ConvAt(spec, 2));
        Assert.Equal((8, 3, 1, 1), (first.Channels, first.Kernel, first.Stride, first.Groups));
        Assert.Equal((8, 3, 2, 1, 8, 1), (depthwise.Channels, depthwise.Kernel, depthwise.Stride, depthwise.Padding, depthwise.Groups, depthwise.Pool));
        Assert.Equal((16, 1, 1, 0, 1, 2), (pointwise.Channels, pointwise.Kernel, pointwise.Stride, pointwise.Padding, pointwise.Groups, pointwise.Pool));
        Assert.Equal(16 * 7 * 7, Qnn.Spec.flattenedFeatures(spec));
        // The built-in spaces have no such gene (their genomes keep their length).
        Assert.DoesNotContain(SearchSpace.Builtin("cnn").Domains, g => g.Name.StartsWith("separable", StringComparison.Ordinal));
        var bad = Assert.Throws<SearchSpaceException>(() => SearchSpace.Parse("""{ "kind": "cnn", "separable": [1] }"""));
        Assert.Contains("choice 0 is 1; it must be true or false", bad.Message);
    }

    [Fact]
    public void A_downscale_gene_averages_the_image_before_the_first_block()
    {
        var space = SearchSpace.Parse("""{ "kind": "cnn", "convLayers": {"min": 1, "max": 1}, "channels": [8], "stride": {"min": 1, "max": 1}, "pool": [2], "downscale": [1, 2] }""");
        Assert.Contains(new GeneDomain("downscale", 2, true), space.Domains);
        Assert.Contains("\"downscale\": [\n    1,\n    2\n  ]", space.Json.ReplaceLineEndings("\n"));
        Assert.Equal(space.Json, SearchSpace.Parse(space.Json).Json);
        var spec = space.Decode(With(space.Domains, ("downscale", 1)), Images, 10, "d").Spec!;
        Assert.Equal(2, ((InputSpec.Image)spec.Input).Item.Downscale);
        // 28 × 28 → 14 × 14, a padded 3 × 3 convolution keeps it, the pool halves it: 8 × 7 × 7.
        Assert.Equal(8 * 7 * 7, Qnn.Spec.flattenedFeatures(spec));
        Assert.Equal(1, ((InputSpec.Image)space.Decode(With(space.Domains, ("downscale", 0)), Images, 10, "d").Spec!.Input).Item.Downscale);
        Assert.DoesNotContain(SearchSpace.Builtin("cnn").Domains, g => g.Name == "downscale");
        Assert.Contains("is not a key of a mlp space", Assert.Throws<SearchSpaceException>(() => SearchSpace.Parse("""{ "kind": "mlp", "downscale": [2] }""")).Message);
    }

    [Fact]
    public void ConvBitsAboveOneAreNBitsWeights()
    {
        var space = SearchSpace.Builtin("cnn");
        var spec = space.Decode(With(space.Domains, ("convBits[0]", 5), ("channels[0]", 4), ("convActivation[0]", 3)), Images, 10, "c").Spec!;
        var conv = ConvAt(spec, 0);
        Assert.Equal((128, WeightQuant.NBits, 6, Activation.Relu), (conv.Channels, conv.Weights.Mode, conv.Weights.Bits.Value, conv.Activation.Value));
    }

    [Fact]
    public void FeatureBitsGiveOneGenePerFeature()
    {
        var space = SearchSpace.Parse("""{"kind": "mlp", "featureBits": true, "inputBits": {"min": 2, "max": 5}}""");
        Assert.True(space.DependsOnInput);
        Assert.Throws<InvalidOperationException>(() => space.Domains);
        var domains = space.DomainsFor(Vertebral);
        Assert.Equal(Enumerable.Range(0, 6).Select(f => new GeneDomain($"inputBits[{f}]", 4, true)), domains.Take(6));
        Assert.Equal(SearchSpace.Builtin("mlp").Domains.Count + 5, domains.Count);
        var spec = space.Decode(With(domains, ("inputBits[0]", 3), ("inputBits[5]", 1)), Vertebral, 3, "f").Spec!;
        Assert.Equal(new[] { 5, 2, 2, 2, 2, 3 }, ((InputSpec.Features)spec.Input).Item.FeatureBits.Value);
    }

    [Fact]
    public void ExtraGenesOnlyWhereTheSpaceOffersThem()
    {
        var space = SearchSpace.Parse("""
            {"kind": "mlp", "hiddenLayers": {"min": 1, "max": 1}, "weights": ["ScaledBinary", "Ternary"],
             "activation": ["NBits", "BinarizeSwish"], "activationBits": {"min": 2, "max": 4}, "resteO": [2, 4], "resteThreshold": [1, 1.5]}
            """);
        var names = space.Domains.Select(d => d.Name).ToList();
        Assert.Equal(new[] { "inputBits", "hiddenLayers", "units[0]", "weights[0]", "activation[0]", "activationBits[0]", "weights[output]", "dropout", "resteO", "resteThreshold" }, names);
        var spec = space.Decode(With(space.Domains, ("activationBits[0]", 2), ("weights[output]", 1), ("resteO", 1), ("resteThreshold", 1)), Vertebral, 3, "x").Spec!;
        var hidden = DenseAt(spec, 0);
        Assert.Equal((WeightQuant.Binary, true, Activation.NBits, 4), (hidden.Weights.Mode, hidden.Weights.Scaled, hidden.Activation.Value, hidden.ActivationBits.Value));
        Assert.Equal(WeightQuant.Ternary, DenseAt(spec, 1).Weights.Mode);
        Assert.Equal((4.0, 1.5), (spec.ResteO, spec.ResteThreshold));
    }

    [Fact]
    public void WhatCannotBeDecodedIsInfeasibleNotAnException()
    {
        var mlp = SearchSpace.Builtin("mlp");
        var cnn = SearchSpace.Builtin("cnn");
        var zeros = new Genome(new int[mlp.Domains.Count]);
        Assert.Contains("needs images", cnn.Decode(new Genome(new int[cnn.Domains.Count]), Vertebral, 3, "c").Problem);
        Assert.Contains("has 16", mlp.Decode(new Genome(new int[16]), Vertebral, 3, "m").Problem);
        Assert.Contains("gene inputBits is 8; it takes 0..7", mlp.Decode(new Genome(new[] { 8 }.Concat(new int[16])), Vertebral, 3, "m").Problem);
        Assert.Contains("neither", mlp.Decode(zeros, new InputShape(new[] { 2, 3 }), 3, "m").Problem);
        var noClasses = mlp.Decode(zeros, Vertebral, 0, "m");
        Assert.Null(noClasses.Spec);
        Assert.Contains("QNN004", noClasses.Problem);
        Assert.Contains("QNN014", mlp.Decode(zeros, Vertebral, 3, new string('n', 300)).Problem);
    }
}
