using Xunit;
using Qnn.Engine.Kernels;

namespace Qnn.Engine.Tests;

public class KernelTests
{
    private static float[] RandomSigns(Random random, int n) =>
        Enumerable.Range(0, n).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray();

    [Fact]
    public void Packing_puts_plus_one_in_set_bits_and_leaves_padding_zero()
    {
        var values = new float[70];
        Array.Fill(values, -1f);
        values[0] = 1f;
        values[63] = 0f;       // sign(0) = +1, as in training
        values[64] = 2.5f;
        values[69] = -0.001f;
        var words = BitPacking.PackSigns(values);
        Assert.Equal(2, words.Length);
        Assert.Equal(1UL | (1UL << 63), words[0]);
        Assert.Equal(1UL, words[1]);   // bit 0 of word 1 is value 64; bits 6..63 are padding
        var back = new float[70];
        BitPacking.UnpackSigns(words, back);
        Assert.Equal(values.Select(v => v >= 0 ? 1f : -1f), back);
    }

    public static TheoryData<PopCountPath> Paths()
    {
        var data = new TheoryData<PopCountPath>();
        foreach (var path in Enum.GetValues<PopCountPath>())
        {
            if (PopCountKernel.IsSupported(path))
                data.Add(path);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Every_simd_path_counts_like_the_scalar_path(PopCountPath path)
    {
        var random = new Random(11);
        foreach (var words in Enumerable.Range(0, 70).Concat(new[] { 127, 128, 129, 255, 256, 1000 }))
        {
            var a = Enumerable.Range(0, words).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 33)).ToArray();
            var b = Enumerable.Range(0, words).Select(_ => (ulong)random.NextInt64()).ToArray();
            Assert.Equal(PopCountKernel.XorPopCount(a, b, PopCountPath.Scalar), PopCountKernel.XorPopCount(a, b, path));
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Xor_popcount_gives_the_dot_product_of_sign_vectors(PopCountPath path)
    {
        var random = new Random(5);
        foreach (var n in new[] { 1, 6, 63, 64, 65, 200, 784, 2048 })
        {
            var x = RandomSigns(random, n);
            var w = RandomSigns(random, n);
            var expected = x.Zip(w, (p, q) => (int)(p * q)).Sum();
            var z = n - 2 * PopCountKernel.XorPopCount(BitPacking.PackSigns(x), BitPacking.PackSigns(w), path);
            Assert.Equal(expected, z);
        }
    }

    [Fact]
    public void The_best_path_is_the_widest_this_cpu_supports()
    {
        var widest = Enum.GetValues<PopCountPath>().Where(PopCountKernel.IsSupported).Max();
        Assert.Equal(widest, PopCountKernel.Best);
    }
}
