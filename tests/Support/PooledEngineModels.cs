using Qnn.Engine;

namespace Qnn.Tests.Support;

/// <summary>Hand-built engine models with average pooling (window sums) and requantized codes,
/// for the engine's file tests and the C export's (tests/Engine.Tests and tests/Host.Tests
/// both compile this file): each pooling reads a different kind of value.</summary>
public static class PooledEngineModels
{
    /// <summary>4-bit input codes averaged 2×2 (sums up to 60), a 4-bit convolution on them into
    /// requantized 4-bit codes, those averaged 2×2, a 4-bit dense head.</summary>
    public static EngineModel Codes()
    {
        var random = new Random(21);
        var input = new InputStage(new[] { 1, 8, 8 }, new[] { 0f }, new[] { 1f }, new[] { 4 });
        var pool0 = new AveragePoolLayer("pool0", new[] { 1, 8, 8 }, 2);
        var conv1 = new GeneralConvLayer("conv1", ConvGeometry.Of(new[] { 1, 4, 4 }, 4, 3, 1, 1, 1, 1), LayerWeights.Integer(4, Integers(random, 36, 7)), true, 1,
            LayerOutput.Requantized(Requantization(random, 4, 15, 1500), Enumerable.Range(0, 16).Select(v => (float)v).ToArray()));
        var pool2 = new AveragePoolLayer("pool2", new[] { 4, 4, 4 }, 2);
        var fc3 = new GeneralDenseLayer("fc3", 16, LayerWeights.Integer(4, Integers(random, 48, 7)), true, null, null, Logits(random, 3, 1f / 60));
        return new EngineModel("PooledCodes", input, new EngineLayer[] { pool0, conv1, pool2, fc3 });
    }

    /// <summary>A ternary convolution on 8-bit codes into signs, the signs averaged 2×2 (sums
    /// −4..4), a float convolution with ReLU, its reals averaged 2×2, a real-sum dense head.</summary>
    public static EngineModel SignsAndReals()
    {
        var random = new Random(22);
        var input = new InputStage(new[] { 1, 10, 10 }, new[] { 0f }, new[] { 1f }, new[] { 8 });
        var conv1 = new GeneralConvLayer("conv1", ConvGeometry.Of(new[] { 1, 10, 10 }, 4, 3, 1, 0, 1, 1), LayerWeights.Integer(2, Integers(random, 36, 1)), true, 1,
            LayerOutput.Signs(Enumerable.Range(0, 4).Select(_ => new SignThreshold(random.Next(-300, 300), ThresholdDirection.AtLeast)).ToArray()));
        var pool1 = new AveragePoolLayer("pool1", new[] { 4, 8, 8 }, 2);
        var conv2 = new GeneralConvLayer("conv2", ConvGeometry.Of(new[] { 4, 4, 4 }, 3, 3, 1, 1, 1, 1), LayerWeights.Float(Reals(random, 108)), false, 4,
            LayerOutput.Activated(Reals(random, 3, 0.5f), Reals(random, 3), 1f, OutputActivation.Relu, 0));
        var pool3 = new AveragePoolLayer("pool3", new[] { 3, 4, 4 }, 2);
        var fc4 = new GeneralDenseLayer("fc4", 12, LayerWeights.Integer(4, Integers(random, 36, 7)), false, null, Enumerable.Repeat(4f, 12).ToArray(), Logits(random, 3, 1f));
        return new EngineModel("PooledSignsAndReals", input, new EngineLayer[] { conv1, pool1, conv2, pool3, fc4 });
    }

    /// <summary>Random requantization of <paramref name="count"/> outputs to codes 0..<paramref name="top"/>:
    /// rising and (every third) falling, with a constant output (multiplier 0) every fifth.</summary>
    public static Requantization Requantization(Random random, int count, int top, int spread)
    {
        var (bases, falling, multipliers, offsets, shifts) = (new int[count], new bool[count], new uint[count], new ulong[count], new byte[count]);
        for (var j = 0; j < count; j++)
        {
            var shift = random.Next(0, 40);
            bases[j] = random.Next(-spread, spread + 1);
            falling[j] = j % 3 == 2;
            multipliers[j] = j % 5 == 4 ? 0 : (uint)Math.Min(Math.ScaleB(random.NextDouble() * top * 4.0 / spread, shift), int.MaxValue);
            offsets[j] = (ulong)Math.ScaleB(random.NextDouble() * 2, shift);
            shifts[j] = (byte)shift;
        }
        return new Requantization(top, bases, falling, multipliers, offsets, shifts);
    }

    private static int[] Integers(Random random, int count, int top) =>
        Enumerable.Range(0, count).Select(_ => random.Next(-top, top + 1)).ToArray();

    private static float[] Reals(Random random, int n, float low = -0.5f) => Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() + low).ToArray();

    private static LayerOutput Logits(Random random, int count, float scale) =>
        LayerOutput.Logits(Reals(random, count, 0.5f), Reals(random, count), scale);
}
