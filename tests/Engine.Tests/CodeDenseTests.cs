using Xunit;

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
        var layer = new DenseLayer("fc1", inputs, packed, multipliers,
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
