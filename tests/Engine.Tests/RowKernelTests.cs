using Xunit;
using Qnn.Engine.Kernels;

namespace Qnn.Engine.Tests;

public class RowKernelTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(32)]
    [InlineData(128)]     // past the 16-step byte-lane flush
    [InlineData(264)]
    [InlineData(13)]      // not a multiple of 8 words: the per-row path
    [InlineData(7)]       // shorter than a 512-bit vector: word by word
    [InlineData(1)]
    public void Whole_layer_xor_counts_equal_per_row_scalar_counts(int words)
    {
        var random = new Random(words);
        const int rows = 37;
        var x = Enumerable.Range(0, words).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40)).ToArray();
        var w = Enumerable.Range(0, words * rows).Select(_ => (ulong)random.NextInt64()).ToArray();
        foreach (var path in Enum.GetValues<PopCountPath>().Where(PopCountKernel.IsSupported))
        {
            var counts = new int[rows];
            RowKernels.XorPopCountRows(x, w, counts, path);
            for (var j = 0; j < rows; j++)
                Assert.Equal(PopCountKernel.XorPopCount(x, w.AsSpan(j * words, words), PopCountPath.Scalar), counts[j]);
        }
    }

    [Fact]
    public void Byte_codes_against_sign_bytes_give_exact_dots()
    {
        var random = new Random(2);
        const int stride = 832, rows = 19;
        var codes = Enumerable.Range(0, stride).Select(i => i < 784 ? (byte)random.Next(256) : (byte)0).ToArray();
        var weights = Enumerable.Range(0, stride * rows).Select(_ => (sbyte)(random.Next(2) == 0 ? -1 : 1)).ToArray();
        var dots = new int[rows];
        RowKernels.ByteDotRows(codes, weights, stride, dots);
        for (var j = 0; j < rows; j++)
            Assert.Equal(Enumerable.Range(0, stride).Sum(i => codes[i] * weights[j * stride + i]), dots[j]);
    }
}
