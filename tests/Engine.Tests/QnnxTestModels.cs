using Qnn.Tests.Support;
using Qnn.Engine.Kernels;

namespace Qnn.Engine.Tests;

/// <summary>Small engine models of each kind the file holds, for the format's tests.</summary>
internal static class QnnxTestModels
{
    private static float[] Signs(Random random, int n) => Enumerable.Range(0, n).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray();

    private static SignThreshold[] Thresholds(Random random, int count, int range) =>
        Enumerable.Range(0, count).Select(j => new SignThreshold(random.Next(-range, range + 1), (ThresholdDirection)(j % 4))).ToArray();

    private static LayerOutput Logits(Random random, int count) =>
        LayerOutput.Logits(Enumerable.Range(0, count).Select(_ => (float)random.NextDouble() + 0.5f).ToArray(),
            Enumerable.Range(0, count).Select(_ => (float)random.NextDouble() - 0.5f).ToArray(), 1f);

    private static ulong[] Packed(Random random, int inputs, int outputs)
    {
        var words = BitPacking.WordsFor(inputs);
        var packed = new ulong[words * outputs];
        for (var j = 0; j < outputs; j++)
            BitPacking.PackSigns(Signs(random, inputs), packed.AsSpan(j * words, words));
        return packed;
    }

    /// <summary>A binary dense MLP on 12 features of 4 and 8 bits (multipliers 17 and 1).</summary>
    public static EngineModel BinaryMlp()
    {
        var random = new Random(11);
        var bits = Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? 4 : 8).ToArray();
        var input = new InputStage(new[] { 12 }, Enumerable.Range(0, 12).Select(i => -1f - i).ToArray(),
            Enumerable.Range(0, 12).Select(i => 1f + i).ToArray(), bits);
        var fc1 = new BinaryDenseLayer("fc1", 12, Packed(random, 12, 16), bits.Select(b => b == 4 ? 17 : 1).ToArray(),
            LayerOutput.Signs(Thresholds(random, 16, 300)));
        var fc2 = new BinaryDenseLayer("fc2", 16, Packed(random, 16, 3), null, Logits(random, 3));
        return new EngineModel("BinaryMlp", input, new EngineLayer[] { fc1, fc2 }, new[] { "hernia", "spondylolisthesis", "normal" });
    }

    /// <summary>A code convolution, max-pool, binary dense and float dense head.</summary>
    public static EngineModel Cnn() => ConvAndFormatTests.SmallModel();

    /// <summary>Ternary, then n-bit (4-bit) dense layers, and the reverse.</summary>
    public static EngineModel Integer(bool ternaryFirst)
    {
        var random = new Random(ternaryFirst ? 12 : 13);
        var input = new InputStage(new[] { 10 }, new[] { 0f }, new[] { 1f }, new[] { 8 });
        var multipliers = Enumerable.Repeat(1, 10).ToArray();
        EngineLayer Ternary(string name, int inputs, int outputs, int[]? m, LayerOutput output)
        {
            var q = Enumerable.Range(0, inputs * outputs).Select(_ => (sbyte)random.Next(-1, 2)).ToArray();
            var words = BitPacking.WordsFor(inputs);
            var (nonzero, positive) = (new ulong[words * outputs], new ulong[words * outputs]);
            for (var j = 0; j < outputs; j++)
                for (var i = 0; i < inputs; i++)
                {
                    if (q[j * inputs + i] != 0) nonzero[j * words + i / 64] |= 1UL << (i % 64);
                    if (q[j * inputs + i] > 0) positive[j * words + i / 64] |= 1UL << (i % 64);
                }
            return IntegerDenseLayer.Ternary(name, inputs, nonzero, positive, m, output);
        }
        EngineLayer NBits(string name, int inputs, int outputs, int[]? m, LayerOutput output) =>
            IntegerDenseLayer.NBits(name, inputs, 4, Enumerable.Range(0, inputs * outputs).Select(_ => (sbyte)random.Next(-7, 8)).ToArray(), m, output);
        var layers = ternaryFirst
            ? new[] { Ternary("fc1", 10, 8, multipliers, LayerOutput.Signs(Thresholds(random, 8, 400))), NBits("fc2", 8, 3, null, Logits(random, 3)) }
            : new[] { NBits("fc1", 10, 8, multipliers, LayerOutput.Signs(Thresholds(random, 8, 2000))), Ternary("fc2", 8, 3, null, Logits(random, 3)) };
        // One of the two carries class names (one of them not ASCII), the other none.
        return new EngineModel(ternaryFirst ? "TernaryFirst" : "NBitsFirst", input, layers, ternaryFirst ? new[] { "a", "", "größer" } : null);
    }

    private static float[] Reals(Random random, int n, float low = -0.5f) => Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() + low).ToArray();

    private static LayerOutput Activated(Random random, int count, OutputActivation activation, float parameter) =>
        LayerOutput.Activated(Reals(random, count, 0.5f), Reals(random, count), 1f, activation, parameter);

    private static LayerOutput Levels(Random random, int count, float[] values)
    {
        var steps = values.Length - 1;
        var boundaries = new SignThreshold[count * steps];
        for (var j = 0; j < count; j++)
        {
            var start = random.Next(-50, 50);
            for (var s = 0; s < steps; s++)
                boundaries[j * steps + s] = new SignThreshold(start + 7 * s, ThresholdDirection.AtLeast);
        }
        return LayerOutput.Levels(boundaries, steps, values);
    }

    private static int[] Integers(Random random, int count, int bits)
    {
        var top = LayerWeights.Top(bits);
        return Enumerable.Range(0, count).Select(_ => bits == 1 ? (random.Next(2) == 0 ? -1 : 1) : (int)random.NextInt64(-top, (long)top + 1)).ToArray();
    }

    /// <summary>Version 5's general dense layers: unrounded 30-bit inputs into float weights with
    /// divisors and a float ternary activation, 12-bit integer sums into 2-bit DoReFa levels, 31-bit
    /// weights on real sums with ReLU, a float head.</summary>
    public static EngineModel GeneralMlp()
    {
        var random = new Random(14);
        var bits = new[] { 8, 8, 30, 12, 4, 32 };
        var input = new InputStage(new[] { 6 }, Reals(random, 6, -2f), Reals(random, 6, 1f), bits);
        var divisors = bits.Select(b => b <= 24 ? (float)((1 << b) - 1) : 1f).ToArray();
        var fc1 = new GeneralDenseLayer("fc1", 6, LayerWeights.Float(Reals(random, 48)), false, null, divisors, Activated(random, 8, OutputActivation.Ternary, 0.5f));
        var fc2 = new GeneralDenseLayer("fc2", 8, LayerWeights.Integer(12, Integers(random, 64, 12)), true, null, null, Levels(random, 8, new[] { 0f, 1f, 2f, 3f }));
        var fc3 = new GeneralDenseLayer("fc3", 8, LayerWeights.Integer(31, Integers(random, 40, 31)), false, null, Enumerable.Repeat(3f, 8).ToArray(), Activated(random, 5, OutputActivation.Relu, 0));
        var fc4 = new GeneralDenseLayer("fc4", 5, LayerWeights.Float(Reals(random, 15)), false, null, null, Logits(random, 3));
        return new EngineModel("GeneralMlp", input, new EngineLayer[] { fc1, fc2, fc3, fc4 });
    }

    /// <summary>The older kernels with version 5's outputs: binary codes into DoReFa levels, general
    /// ternary sums into a float sign, ternary popcount into ReLU, a float head.</summary>
    public static EngineModel KernelsWithNewOutputs()
    {
        var random = new Random(15);
        var input = new InputStage(new[] { 10 }, new[] { 0f }, new[] { 1f }, new[] { 8 });
        var fc1 = new BinaryDenseLayer("fc1", 10, Packed(random, 10, 6), Enumerable.Repeat(1, 10).ToArray(), Levels(random, 6, new[] { 0f, 1f, 2f, 3f }));
        var fc2 = new GeneralDenseLayer("fc2", 6, LayerWeights.Integer(2, Integers(random, 36, 2)), true, null, null, Activated(random, 6, OutputActivation.Sign, 0));
        var q = Integers(random, 24, 2);
        var (nonzero, positive) = (new ulong[4], new ulong[4]);
        for (var j = 0; j < 4; j++)
            for (var i = 0; i < 6; i++)
            {
                if (q[j * 6 + i] != 0) nonzero[j] |= 1UL << i;
                if (q[j * 6 + i] > 0) positive[j] |= 1UL << i;
            }
        var fc3 = IntegerDenseLayer.Ternary("fc3", 6, nonzero, positive, null, Activated(random, 4, OutputActivation.Relu, 0));
        var fc4 = new FloatDenseLayer("fc4", 4, Reals(random, 8), Reals(random, 2, 0.5f), Reals(random, 2), signs: false);
        return new EngineModel("KernelsWithNewOutputs", input, new EngineLayer[] { fc1, fc2, fc3, fc4 });
    }

    /// <summary>Version 5's general convolutions: integer ternary sums (padding, dilation 2) into
    /// ternary levels, value max-pooling, a grouped float convolution with DoReFa in float, an
    /// n-bit dense head on real sums.</summary>
    public static EngineModel GeneralCnn()
    {
        var random = new Random(16);
        var input = new InputStage(new[] { 1, 8, 8 }, new[] { 0f }, new[] { 1f }, new[] { 4 });
        var conv1 = new GeneralConvLayer("conv1", ConvGeometry.Of(new[] { 1, 8, 8 }, 4, 3, 1, 1, 2, 1), LayerWeights.Integer(2, Integers(random, 36, 2)), true, 1,
            Levels(random, 4, new[] { -1f, 0f, 1f }));
        var pool1 = new ValueMaxPoolLayer("pool1", new[] { 4, 6, 6 }, 2);
        var conv2 = new GeneralConvLayer("conv2", ConvGeometry.Of(new[] { 4, 3, 3 }, 2, 2, 1, 0, 1, 2), LayerWeights.Float(Reals(random, 16)), false, 1,
            Activated(random, 2, OutputActivation.DoReFa, 3));
        var fc3 = new GeneralDenseLayer("fc3", 8, LayerWeights.Integer(5, Integers(random, 24, 5)), false, null, Enumerable.Repeat(3f, 8).ToArray(), Logits(random, 3));
        return new EngineModel("GeneralCnn", input, new EngineLayer[] { conv1, pool1, conv2, fc3 });
    }

    /// <summary>Version 6's requantized outputs: 8-bit codes after a binary layer on input codes,
    /// 4-bit codes after 4-bit weights, an n-bit head.</summary>
    public static EngineModel RequantizedMlp()
    {
        var random = new Random(17);
        var input = new InputStage(new[] { 10 }, new[] { 0f }, new[] { 1f }, new[] { 8 });
        var values = (int top) => Enumerable.Range(0, top + 1).Select(v => (float)v).ToArray();
        var fc1 = new BinaryDenseLayer("fc1", 10, Packed(random, 10, 12), Enumerable.Repeat(1, 10).ToArray(), LayerOutput.Requantized(PooledEngineModels.Requantization(random, 12, 255, 1000), values(255)));
        var fc2 = new GeneralDenseLayer("fc2", 12, LayerWeights.Integer(4, Integers(random, 96, 4)), true, null, null, LayerOutput.Requantized(PooledEngineModels.Requantization(random, 8, 15, 8000), values(15)));
        var fc3 = new GeneralDenseLayer("fc3", 8, LayerWeights.Integer(4, Integers(random, 24, 4)), true, null, null, Logits(random, 3));
        return new EngineModel("RequantizedMlp", input, new EngineLayer[] { fc1, fc2, fc3 });
    }

    public static IEnumerable<(string Name, EngineModel Model)> All() => new[]
    {
        ("requantized MLP", RequantizedMlp()), ("pooled codes", PooledEngineModels.Codes()), ("pooled signs and reals", PooledEngineModels.SignsAndReals()),
        ("binary MLP", BinaryMlp()), ("CNN", Cnn()), ("ternary then n-bit", Integer(true)), ("n-bit then ternary", Integer(false)),
        ("general MLP", GeneralMlp()), ("old kernels, new outputs", KernelsWithNewOutputs()), ("general CNN", GeneralCnn()),
    };
}
