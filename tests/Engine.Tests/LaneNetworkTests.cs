using System.Runtime.Intrinsics;
using Xunit;
using Qnn.Engine.Execution;
using Qnn.Engine.Kernels;

namespace Qnn.Engine.Tests;

/// <summary>The samples-in-lanes plan of small dense networks against the plain per-sample layers:
/// every logit bit for bit, over batches that end mid-vector and mid-block.</summary>
public class LaneNetworkTests
{
    private static readonly int[] BatchSizes = { 1, 31, 33, 257 };

    private static ulong[] SignRows(Random random, int rows, int width) => Enumerable.Range(0, rows)
        .SelectMany(_ => BitPacking.PackSigns(Enumerable.Range(0, width).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray())).ToArray();

    private static LayerOutput Thresholds(Random random, int count, int spread) =>
        LayerOutput.Signs(Enumerable.Range(0, count).Select(j => new SignThreshold(random.Next(-spread, spread + 1), (ThresholdDirection)(j % 7 == 6 ? 2 + j % 2 : j % 2))).ToArray());

    private static LayerOutput Logits(Random random, int count, float scale) => LayerOutput.Logits(
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(),
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray(), scale);

    private static sbyte[] Integers(Random random, int count, int bits, double zeroShare = 0)
    {
        var top = (1 << (bits - 1)) - 1;
        return Enumerable.Range(0, count).Select(_ => random.NextDouble() < zeroShare ? (sbyte)0 : (sbyte)random.Next(-top, top + 1)).ToArray();
    }

    private static (ulong[] Nonzero, ulong[] Positive) TernaryPlanes(sbyte[] weights, int inputs, int outputs)
    {
        var words = BitPacking.WordsFor(inputs);
        var (nonzero, positive) = (new ulong[words * outputs], new ulong[words * outputs]);
        for (var j = 0; j < outputs; j++)
            for (var i = 0; i < inputs; i++)
            {
                var q = weights[j * inputs + i];
                if (q != 0) nonzero[j * words + (i >> 6)] |= 1UL << (i & 63);
                if (q > 0) positive[j * words + (i >> 6)] |= 1UL << (i & 63);
            }
        return (nonzero, positive);
    }

    /// <summary>Random samples a little beyond the input ranges, with a NaN and exact range ends.</summary>
    private static float[] Samples(Random random, InputStage input, int count)
    {
        var samples = new float[count * input.Size];
        for (var k = 0; k < samples.Length; k++)
        {
            var f = k % input.Size;
            var (low, high) = (input.Low[input.Low.Length == 1 ? 0 : f], input.High[input.High.Length == 1 ? 0 : f]);
            samples[k] = (float)(low + (random.NextDouble() * 1.2 - 0.1) * (high - low));
        }
        if (samples.Length > 5)
            (samples[1], samples[2], samples[^1]) = (float.NaN, input.Low[0], input.High[0]);
        return samples;
    }

    /// <summary>Batch logits (the lanes plan where it applies) equal each sample's plain logits.</summary>
    private static void AssertLanesEqualPlain(EngineModel model, int seed, bool expectLanes = true)
    {
        if (expectLanes)
            Assert.Equal(Vector512.IsHardwareAccelerated, model.Lanes is not null);
        var random = new Random(seed);
        var workspace = model.CreateWorkspace();
        var classesSeen = new HashSet<int>();
        foreach (var count in BatchSizes)
        {
            var samples = Samples(random, model.Input, count);
            var batch = new float[count * model.Classes];
            model.Logits(samples, batch, workspace);
            var predicted = new int[count];
            model.Predict(samples, predicted, workspace);
            for (var s = 0; s < count; s++)
            {
                var one = model.Logits(samples.AsSpan(s * model.Input.Size, model.Input.Size), workspace).ToArray();
                Assert.Equal(one, batch.AsSpan(s * model.Classes, model.Classes).ToArray());
                Assert.Equal(model.Predict(samples.AsSpan(s * model.Input.Size, model.Input.Size), workspace), predicted[s]);
                classesSeen.Add(predicted[s]);
            }
        }
        Assert.True(classesSeen.Count > 1, "the test should see more than one class");
    }

    [Theory]
    [InlineData(6, 32, 3, 16)]      // VertebralMlp's shape: 16-bit codes (int32 lanes), then int16 lanes
    [InlineData(13, 37, 5, 8)]      // odd sizes, no count a multiple of a vector
    [InlineData(70, 100, 10, 12)]   // 12-bit codes over 70 features, 100 hidden units
    public void Binary_mlp_on_codes(int inputs, int hidden, int classes, int bits)
    {
        var random = new Random(inputs * 100 + hidden);
        var input = new InputStage(new[] { inputs },
            Enumerable.Range(0, inputs).Select(f => -1f - f * 0.25f).ToArray(), Enumerable.Range(0, inputs).Select(f => 2f + f).ToArray(),
            Enumerable.Repeat(bits, inputs).ToArray());
        var reach = inputs * ((1 << bits) - 1);
        var layers = new EngineLayer[]
        {
            new BinaryDenseLayer("fc1", inputs, SignRows(random, hidden, inputs), Enumerable.Repeat(1, inputs).ToArray(), Thresholds(random, hidden, reach / 8)),
            new BinaryDenseLayer("fc2", hidden, SignRows(random, hidden, hidden), null, Thresholds(random, hidden, hidden / 3)),
            new BinaryDenseLayer("fc3", hidden, SignRows(random, classes, hidden), null, Logits(random, classes, 1f)),
        };
        var model = new EngineModel("Lanes", input, layers);
        if (model.Lanes is { } lanes)
        {
            if (bits != 12) Assert.Equal(bits == 16 ? LaneWidth.Ints : LaneWidth.Shorts, lanes.WidthOf(0));   // 6·65535 needs int32 lanes, 13·255 int16
            if (hidden <= 63) Assert.Equal(LaneWidth.Bytes, lanes.WidthOf(1));   // ±1 inputs: |z| ≤ 2·(smaller set) + n ≤ 2n ≤ 126
        }
        AssertLanesEqualPlain(model, inputs);
    }

    [Theory]
    [InlineData(6, 32, 3)]
    [InlineData(9, 33, 4)]
    public void Ternary_and_n_bit_layers_on_mixed_code_widths(int inputs, int hidden, int classes)
    {
        var random = new Random(inputs + hidden);
        // Mixed widths: 8-bit features count 257 times in the 16-bit denominator.
        var bits = Enumerable.Range(0, inputs).Select(f => f % 3 == 0 ? 16 : 8).ToArray();
        var multipliers = bits.Select(b => b == 16 ? 1 : 257).ToArray();
        var input = new InputStage(new[] { inputs }, Enumerable.Repeat(-3f, inputs).ToArray(), Enumerable.Repeat(3f, inputs).ToArray(), bits);
        var w1 = Integers(random, hidden * inputs, 2, zeroShare: 0.3);
        var (n1, p1) = TernaryPlanes(w1, inputs, hidden);
        var w2 = Integers(random, hidden * hidden, 2, zeroShare: 0.3);
        var (n2, p2) = TernaryPlanes(w2, hidden, hidden);
        var layers = new EngineLayer[]
        {
            IntegerDenseLayer.Ternary("fc1", inputs, n1, p1, multipliers, Thresholds(random, hidden, 65535 * inputs / 10)),
            IntegerDenseLayer.Ternary("fc2", hidden, n2, p2, null, Thresholds(random, hidden, 4)),
            IntegerDenseLayer.NBits("fc3", hidden, 4, Integers(random, hidden * hidden, 4), null, Thresholds(random, hidden, 20)),
            IntegerDenseLayer.NBits("fc4", hidden, 8, Integers(random, classes * hidden, 8), null, Logits(random, classes, 0.01f)),
        };
        AssertLanesEqualPlain(new EngineModel("Mixed", input, layers), inputs);
    }

    [Fact]
    public void N_bit_weights_on_codes_multiply_in_the_lanes()
    {
        var random = new Random(3);
        const int inputs = 7, hidden = 20, classes = 3;
        var input = new InputStage(new[] { inputs }, new[] { 0f }, new[] { 1f }, new[] { 8 });
        var layers = new EngineLayer[]
        {
            IntegerDenseLayer.NBits("fc1", inputs, 4, Integers(random, hidden * inputs, 4), Enumerable.Repeat(1, inputs).ToArray(), Thresholds(random, hidden, 300)),
            new BinaryDenseLayer("fc2", hidden, SignRows(random, classes, hidden), null, Logits(random, classes, 1f)),
        };
        var model = new EngineModel("NBits", input, layers);
        if (model.Lanes is { } lanes)
            Assert.Equal(LaneWidth.Shorts, lanes.WidthOf(0));   // 7·255·7 fits int16 lanes
        AssertLanesEqualPlain(model, 3);
    }

    [Theory]
    [InlineData(1f)]       // hidden real outputs of a few units: the integer layer reads them in the lanes
    [InlineData(1e7f)]     // beyond what int32 lanes hold: the blocks go the plain way, still equal
    public void Other_output_forms_go_through_apply_lane_by_lane(float size)
    {
        var random = new Random(17);
        const int inputs = 10, hidden = 24, classes = 4;
        var input = new InputStage(new[] { inputs }, new[] { 0f }, new[] { 1f }, new[] { 8 });
        var hiddenLogits = LayerOutput.Logits(Enumerable.Range(0, hidden).Select(_ => size * (float)(random.NextDouble() * 2 - 1) / 200).ToArray(),
            Enumerable.Range(0, hidden).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray(), 1f);
        var layers = new EngineLayer[]
        {
            new BinaryDenseLayer("fc1", inputs, SignRows(random, hidden, inputs), Enumerable.Repeat(1, inputs).ToArray(), hiddenLogits),
            IntegerDenseLayer.NBits("fc2", hidden, 3, Integers(random, hidden * hidden, 3), null, Logits(random, hidden, 1f)),
            new BinaryDenseLayer("fc3", hidden, SignRows(random, classes, hidden), null, Logits(random, classes, 1f)),
        };
        AssertLanesEqualPlain(new EngineModel("Fallback", input, layers), 17);
    }

    /// <summary>A levels output of <paramref name="values"/>.Length − 1 thresholds per output within
    /// ±<paramref name="spread"/>: rising (γ &gt; 0) for most outputs, falling for every fifth, and
    /// an always- and a never-firing threshold on every seventh.</summary>
    private static LayerOutput LevelsOut(Random random, int count, int spread, float[] values)
    {
        var steps = values.Length - 1;
        var boundaries = new SignThreshold[count * steps];
        for (var j = 0; j < count; j++)
        {
            var cuts = Enumerable.Range(0, steps).Select(_ => random.Next(-spread, spread + 1)).Order().ToArray();
            for (var s = 0; s < steps; s++)
                boundaries[j * steps + s] = j % 7 == 6 && s < 2 ? new SignThreshold(0, s == 0 ? ThresholdDirection.Always : ThresholdDirection.Never)
                    : j % 5 == 4 ? new SignThreshold(cuts[steps - 1 - s], ThresholdDirection.AtMost)
                    : new SignThreshold(cuts[s], ThresholdDirection.AtLeast);
        }
        return LayerOutput.Levels(boundaries, steps, values);
    }

    private static LayerWeights IntegerWeights(Random random, int count, int bits, double zeroShare = 0) =>
        LayerWeights.Integer(bits, Integers(random, count, bits, zeroShare).Select(q => (int)q).ToArray());

    private static readonly float[] Ternary = { -1f, 0f, 1f };
    private static readonly float[] TwoBitCodes = { 0f, 1f, 2f, 3f };

    [Theory]
    [InlineData(6, 32, 3)]      // TernaryMlp's shape: 16-bit codes (int32 lanes), then ternary values in int8 lanes
    [InlineData(11, 37, 5)]     // odd sizes
    public void General_layers_with_ternary_levels(int inputs, int hidden, int classes)
    {
        var random = new Random(inputs * 7 + hidden);
        var input = new InputStage(new[] { inputs }, new[] { -2f }, new[] { 5f }, new[] { 16 });
        var layers = new EngineLayer[]
        {
            new GeneralDenseLayer("fc1", inputs, IntegerWeights(random, hidden * inputs, 2, 0.3), true, null, null, LevelsOut(random, hidden, 65535 * inputs / 6, Ternary)),
            new GeneralDenseLayer("fc2", hidden, IntegerWeights(random, hidden * hidden, 2, 0.3), true, null, null, LevelsOut(random, hidden, hidden / 4, Ternary)),
            new GeneralDenseLayer("fc3", hidden, IntegerWeights(random, classes * hidden, 2, 0.3), true, null, null, Logits(random, classes, 1f)),
        };
        var model = new EngineModel("TernaryLevels", input, layers);
        if (model.Lanes is { } lanes)
        {
            Assert.Equal(LaneWidth.Ints, lanes.WidthOf(0));
            Assert.Equal(LaneWidth.Bytes, lanes.WidthOf(1));   // ternary × ternary over ≤ 37 inputs
        }
        AssertLanesEqualPlain(model, inputs);
    }

    [Theory]
    [InlineData(6, 32, 3)]      // NBitsMlp's shape: per-feature 8/16-bit codes, 4-bit weights, 2-bit DoReFa codes, 8-bit last layer
    [InlineData(9, 41, 4)]
    public void General_layers_with_two_bit_codes(int inputs, int hidden, int classes)
    {
        var random = new Random(inputs * 11 + hidden);
        var bits = Enumerable.Range(0, inputs).Select(f => f < inputs - 2 ? 8 : 16).ToArray();
        var multipliers = bits.Select(b => b == 16 ? 1 : 257).ToArray();
        var input = new InputStage(new[] { inputs }, Enumerable.Range(0, inputs).Select(f => -f * 0.5f).ToArray(), Enumerable.Range(0, inputs).Select(f => 1f + f).ToArray(), bits);
        var layers = new EngineLayer[]
        {
            new GeneralDenseLayer("fc1", inputs, IntegerWeights(random, hidden * inputs, 4), true, multipliers, null, LevelsOut(random, hidden, 65535 * inputs / 2, TwoBitCodes)),
            new GeneralDenseLayer("fc2", hidden, IntegerWeights(random, hidden * hidden, 4), true, null, null, LevelsOut(random, hidden, hidden * 2, TwoBitCodes)),
            new GeneralDenseLayer("fc3", hidden, IntegerWeights(random, classes * hidden, 8), true, null, null, Logits(random, classes, 1f / 3)),
        };
        var model = new EngineModel("CodeLevels", input, layers);
        if (model.Lanes is { } lanes)
        {
            Assert.Equal(LaneWidth.Ints, lanes.WidthOf(0));
            Assert.Equal(LaneWidth.Shorts, lanes.WidthOf(1));   // codes ≤ 3 × 4-bit weights: multiplied, int16
        }
        AssertLanesEqualPlain(model, inputs);
    }

    [Fact]
    public void Levels_of_any_values_into_integer_and_sign_layers()
    {
        var random = new Random(29);
        const int inputs = 5, hidden = 23, classes = 3;
        var input = new InputStage(new[] { inputs }, new[] { 0f }, new[] { 1f }, new[] { 8 });
        var (w2, w3) = (Integers(random, hidden * hidden, 2, zeroShare: 0.2), Integers(random, classes * hidden, 2, zeroShare: 0.2));
        var (n3, p3) = TernaryPlanes(w3, hidden, classes);
        var (n1, p1) = TernaryPlanes(Integers(random, hidden * inputs, 2, zeroShare: 0.2), inputs, hidden);
        var layers = new EngineLayer[]
        {
            // Ternary activations from the ternary kernel, then levels that are no progression
            // (chosen count by count, read as integer parts), then levels read as signs.
            IntegerDenseLayer.Ternary("fc1", inputs, n1, p1, Enumerable.Repeat(1, inputs).ToArray(), LevelsOut(random, hidden, 255 * inputs / 3, Ternary)),
            new GeneralDenseLayer("fc2", hidden, LayerWeights.Integer(2, w2.Select(q => (int)q).ToArray()), true, null, null, LevelsOut(random, hidden, hidden / 3, new[] { -2f, 0.5f, 3.75f, -7f })),
            new GeneralDenseLayer("fc3", hidden, LayerWeights.Integer(3, Integers(random, hidden * hidden, 3).Select(q => (int)q).ToArray()), true, null, null, LevelsOut(random, hidden, 20, new[] { -0.5f, 2f })),
            IntegerDenseLayer.Ternary("fc4", hidden, n3, p3, null, Logits(random, classes, 1f)),
        };
        AssertLanesEqualPlain(new EngineModel("AnyLevels", input, layers), 29);
    }

    [Fact]
    public void Real_sums_keep_the_per_sample_kernels()
    {
        var random = new Random(5);
        var input = new InputStage(new[] { 4 }, new[] { 0f }, new[] { 1f }, new[] { 8 });
        var model = new EngineModel("Real", input, new EngineLayer[]
        {
            new GeneralDenseLayer("fc1", 4, IntegerWeights(random, 8 * 4, 4), false, null, new[] { 255f, 255f, 255f, 255f }, Logits(random, 8, 1f)),
            new GeneralDenseLayer("fc2", 8, IntegerWeights(random, 3 * 8, 4), true, null, null, Logits(random, 3, 1f)),
        });
        Assert.Null(model.Lanes);
    }

    [Fact]
    public void Large_layers_keep_the_per_sample_kernels()
    {
        var random = new Random(1);
        var input = new InputStage(new[] { 784 }, new[] { 0f }, new[] { 1f }, new[] { 8 });
        var model = new EngineModel("Big", input, new EngineLayer[]
        {
            new BinaryDenseLayer("fc1", 784, SignRows(random, 64, 784), Enumerable.Repeat(1, 784).ToArray(), Thresholds(random, 64, 3000)),
            new BinaryDenseLayer("fc2", 64, SignRows(random, 10, 64), null, Logits(random, 10, 1f)),
        });
        Assert.Null(model.Lanes);
    }
}
