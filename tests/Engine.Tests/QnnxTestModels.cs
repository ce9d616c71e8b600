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

    public static IEnumerable<(string Name, EngineModel Model)> All() => new[]
    {
        ("binary MLP", BinaryMlp()), ("CNN", Cnn()), ("ternary then n-bit", Integer(true)), ("n-bit then ternary", Integer(false)),
    };
}
