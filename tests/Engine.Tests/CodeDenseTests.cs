using Xunit;
using Qnn.Engine.Kernels;

namespace Qnn.Engine.Tests;

public class CodeDenseTests
{
    [Theory]
    [MemberData(nameof(KernelTests.Paths), MemberType = typeof(KernelTests))]
    public void And_popcount_paths_agree(PopCountPath path)
    {
        var random = new Random(4);
        foreach (var words in new[] { 0, 1, 3, 4, 7, 8, 9, 13, 31, 32, 33, 100 })
        {
            var a = Enumerable.Range(0, words).Select(_ => (ulong)random.NextInt64()).ToArray();
            var b = Enumerable.Range(0, words).Select(_ => (ulong)random.NextInt64()).ToArray();
            Assert.Equal(PopCountKernel.AndPopCount(a, b, PopCountPath.Scalar), PopCountKernel.AndPopCount(a, b, path));
        }
    }

    [Theory]
    [InlineData(8, 1)]        // one width: bit-planes
    [InlineData(16, 1)]
    [InlineData(8, 257)]      // mixed widths: 8-bit codes counted 257 times in a 16-bit denominator
    public void Input_codes_accumulate_exactly(int bits, int mixedMultiplier)
    {
        var random = new Random(bits);
        const int inputs = 150, outputs = 40;
        var signs = Enumerable.Range(0, outputs * inputs).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray();
        var words = BitPacking.WordsFor(inputs);
        var packed = new ulong[words * outputs];
        for (var j = 0; j < outputs; j++)
            BitPacking.PackSigns(signs.AsSpan(j * inputs, inputs), packed.AsSpan(j * words, words));
        var multipliers = Enumerable.Range(0, inputs).Select(i => mixedMultiplier == 1 || i % 2 == 0 ? 1 : mixedMultiplier).ToArray();
        var layer = new BinaryDenseLayer("fc1", inputs, packed, multipliers,
            LayerOutput.Logits(Enumerable.Repeat(1f, outputs).ToArray(), new float[outputs], 1f));
        var output = new float[outputs];
        for (var sample = 0; sample < 20; sample++)
        {
            var codes = Enumerable.Range(0, inputs).Select(i => (float)random.Next(multipliers[i] == 1 ? 1 << bits : 256)).ToArray();
            layer.Forward(codes, output, new ulong[layer.ScratchWords]);
            for (var j = 0; j < outputs; j++)
            {
                long expected = 0;
                for (var i = 0; i < inputs; i++)
                    expected += (long)(signs[j * inputs + i] * codes[i]) * multipliers[i];
                Assert.Equal(expected, (long)output[j]);
            }
        }
    }
}

public class BatchPredictionTests
{
    [Fact]
    public void A_batch_predicts_what_single_samples_predict()
    {
        var random = new Random(8);
        const int inputs = 100, hidden = 70, classes = 4;
        ulong[] Rows(int rows, int width) => Enumerable.Range(0, rows)
            .SelectMany(_ => BitPacking.PackSigns(Enumerable.Range(0, width).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray())).ToArray();
        var input = new InputStage(new[] { inputs }, new[] { 0f }, new[] { 1f }, new[] { 8 });
        var first = new BinaryDenseLayer("fc1", inputs, Rows(hidden, inputs), Enumerable.Repeat(1, inputs).ToArray(),
            LayerOutput.Signs(Enumerable.Range(0, hidden).Select(j => new SignThreshold(random.Next(-2000, 2000), ThresholdDirection.AtLeast)).ToArray()));
        var second = new BinaryDenseLayer("fc2", hidden, Rows(classes, hidden), null,
            LayerOutput.Logits(new[] { 1f, 0.5f, -1f, 2f }, new[] { 0f, 0.1f, 0.2f, -0.3f }, 1f));
        var model = new EngineModel("Batch", input, new EngineLayer[] { first, second });
        var samples = Enumerable.Range(0, 37 * inputs).Select(_ => (float)random.NextDouble()).ToArray();
        var batch = new int[37];
        var workspace = model.CreateWorkspace();
        model.Predict(samples, batch, workspace);
        for (var s = 0; s < 37; s++)
            Assert.Equal(model.Predict(samples.AsSpan(s * inputs, inputs), workspace), batch[s]);
        Assert.True(batch.Distinct().Count() > 1, "the test should see more than one class");
    }
}
