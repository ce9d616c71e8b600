using Xunit;
using Qnn.Engine.Kernels;

namespace Qnn.Engine.Tests;

/// <summary>The column counter, the VNNI byte dot and the vectorized helpers against plain loops.</summary>
public class BatchKernelTests
{
    private static float[] Signs(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray();

    private static ulong[] PackRows(float[] signs, int rows, int width)
    {
        var words = BitPacking.WordsFor(width);
        var packed = new ulong[rows * words];
        for (var j = 0; j < rows; j++)
            BitPacking.PackSigns(signs.AsSpan(j * width, width), packed.AsSpan(j * words, words));
        return packed;
    }

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]      // one full Harley–Seal step
    [InlineData(17)]
    [InlineData(700)]
    [InlineData(ColumnCounter.MaxInputs)]   // every counter plane full
    public void Column_counts_equal_a_loop_over_the_selected_inputs(int selectedCount)
    {
        Skip.IfNot(ColumnCounter.IsSupported, "no AVX-512F on this CPU");
        var random = new Random(selectedCount);
        const int inputs = ColumnCounter.MaxInputs, outputs = 600;
        var signs = Signs(random, outputs * inputs);
        // Mostly +1 weights so that the high planes are reached.
        for (var k = 0; k < signs.Length; k++) signs[k] = random.Next(8) == 0 ? -1f : 1f;
        var columns = ColumnCounter.Transpose(PackRows(signs, outputs, inputs), inputs, outputs);
        var selected = Enumerable.Range(0, inputs).OrderBy(_ => random.Next()).Take(selectedCount).ToArray();
        var counts = new int[ColumnCounter.GroupWidth];
        for (var g = 0; g < ColumnCounter.GroupsFor(outputs); g++)
        {
            ColumnCounter.Count(columns.AsSpan(g * inputs * 8, inputs * 8), selected, counts);
            for (var k = 0; k < ColumnCounter.GroupWidth; k++)
            {
                var j = g * ColumnCounter.GroupWidth + k;
                var expected = j < outputs ? selected.Count(i => signs[j * inputs + i] > 0) : 0;
                Assert.Equal(expected, counts[k]);
            }
        }
    }

    [Fact]
    public void Select_lists_the_set_or_clear_bits_within_the_length()
    {
        var words = new ulong[] { 0b1011UL | (1UL << 63), ulong.MaxValue };
        var indices = new int[128];
        Assert.Equal(new[] { 0, 1, 3, 63, 64, 65, 66 }, indices.AsSpan(0, ColumnCounter.Select(words, 67, true, indices)).ToArray());
        Assert.Equal(Enumerable.Range(4, 59).Prepend(2).ToArray(), indices.AsSpan(0, ColumnCounter.Select(words, 67, false, indices)).ToArray());
    }

    [SkippableTheory]
    [InlineData(1, 784, 2048)]
    [InlineData(4, 784, 40)]
    [InlineData(9, 13, 17)]      // remainder samples, inputs and outputs off every block size
    [InlineData(32, 100, 33)]
    public void Vnni_byte_dots_equal_integer_loops(int count, int inputs, int outputs)
    {
        Skip.IfNot(ByteDotVnni.IsSupported, "no AVX-VNNI on this CPU");
        var random = new Random(count * 1000 + inputs);
        var signs = Signs(random, outputs * inputs);
        var weights = ByteDotVnni.Arrange(PackRows(signs, outputs, inputs), inputs, outputs);
        var stride = ByteDotVnni.Stride(inputs);
        var codes = new byte[count * stride];
        for (var s = 0; s < count; s++)
            for (var i = 0; i < inputs; i++)
                codes[s * stride + i] = (byte)random.Next(256);
        var padded = ByteDotVnni.PaddedOutputs(outputs);
        var z = new int[count * padded];
        ByteDotVnni.Run(codes, count, weights, inputs, z);
        for (var s = 0; s < count; s++)
            for (var j = 0; j < outputs; j++)
                Assert.Equal(Enumerable.Range(0, inputs).Sum(i => codes[s * stride + i] * (int)signs[j * inputs + i]), z[s * padded + j]);
    }

    [SkippableTheory]
    [InlineData(1, 784, 2048, false)]
    [InlineData(4, 784, 40, false)]
    [InlineData(9, 13, 17, false)]      // remainder samples, inputs and outputs off every block size
    [InlineData(33, 257, 33, false)]    // int16 partial sums flushed after 64 chunks, then a partial chunk
    [InlineData(5, 1001, 31, true)]     // every code 255 and every weight +1: the int16 partial sums at their largest
    public void Avx512_byte_dots_equal_integer_loops(int count, int inputs, int outputs, bool extreme)
    {
        Skip.IfNot(ByteDotAvx512.IsSupported, "no AVX-512BW on this CPU");
        var random = new Random(count * 1000 + inputs);
        var signs = extreme ? Enumerable.Repeat(1f, outputs * inputs).ToArray() : Signs(random, outputs * inputs);
        if (extreme) signs[^1] = -1f;
        var weights = ByteDotAvx512.Arrange(PackRows(signs, outputs, inputs), inputs, outputs);
        var stride = ByteDotAvx512.Stride(inputs);
        var codes = new byte[count * stride];
        for (var s = 0; s < count; s++)
            for (var i = 0; i < inputs; i++)
                codes[s * stride + i] = extreme ? (byte)255 : (byte)random.Next(256);
        var padded = ByteDotAvx512.PaddedOutputs(outputs);
        var z = new int[count * padded];
        ByteDotAvx512.Run(codes, count, weights, inputs, z);
        for (var s = 0; s < count; s++)
            for (var j = 0; j < outputs; j++)
                Assert.Equal(Enumerable.Range(0, inputs).Sum(i => codes[s * stride + i] * (int)signs[j * inputs + i]), z[s * padded + j]);
        if (extreme) Assert.Equal(255 * inputs, z[0]);
    }

    [Theory]
    [InlineData(100, 300)]     // 300 outputs: counted by columns where the CPU allows
    [InlineData(1000, 1100)]   // more −1 than +1 inputs happens: both selections are used
    [InlineData(100, 20)]      // few outputs: row by row
    public void A_dense_layer_on_signs_gives_exact_dot_products(int inputs, int outputs)
    {
        var random = new Random(inputs + outputs);
        var signs = Signs(random, outputs * inputs);
        var layer = new BinaryDenseLayer("fc", inputs, PackRows(signs, outputs, inputs), null,
            LayerOutput.Logits(Enumerable.Repeat(1f, outputs).ToArray(), new float[outputs], 1f));
        Assert.Equal(ColumnCounter.IsSupported && outputs >= 256, layer.CountsByColumns);
        var output = new float[outputs];
        var scratch = new ulong[layer.ScratchWords];
        foreach (var plusShare in new[] { 0.0, 0.2, 0.5, 0.8, 1.0 })
        {
            var x = Enumerable.Range(0, inputs).Select(_ => random.NextDouble() < plusShare ? 1f : -1f).ToArray();
            layer.Forward(x, output, scratch);
            for (var j = 0; j < outputs; j++)
                Assert.Equal(Enumerable.Range(0, inputs).Sum(i => x[i] * signs[j * inputs + i]), output[j]);
        }
    }

    [Theory]
    [InlineData(100, 300)]      // one partial group
    [InlineData(1001, 600)]     // odd inputs, a full and a partial group
    [InlineData(2048, 1024)]
    public void Sign_outputs_compared_on_bit_sliced_counts_equal_thresholds_on_dot_products(int inputs, int outputs)
    {
        var random = new Random(inputs * 7 + outputs);
        var signs = Signs(random, outputs * inputs);
        // Thresholds around where z lies (|z| ~ √n), every direction, and some far out of reach.
        var thresholds = Enumerable.Range(0, outputs).Select(j => new SignThreshold(
            j % 29 == 0 ? (j % 2 == 0 ? int.MaxValue / 2 : -int.MaxValue / 2) : random.Next(-3 * (int)Math.Sqrt(inputs), 3 * (int)Math.Sqrt(inputs) + 1),
            (ThresholdDirection)(j % 11 == 10 ? 2 + j % 2 : j % 2))).ToArray();
        var layer = new BinaryDenseLayer("fc", inputs, PackRows(signs, outputs, inputs), null, LayerOutput.Signs(thresholds));
        Assert.Equal(ColumnCounter.IsSupported, layer.CountsByColumns);
        var output = new float[outputs];
        var scratch = new ulong[layer.ScratchWords];
        var seen = new HashSet<float>();
        // Both selections (more +1 or more −1 inputs), p even and odd, all +1 and all −1.
        foreach (var plusShare in new[] { 0.0, 0.1, 0.45, 0.5, 0.55, 0.9, 1.0 })
            for (var repeat = 0; repeat < 3; repeat++)
            {
                var x = Enumerable.Range(0, inputs).Select(_ => random.NextDouble() < plusShare ? 1f : -1f).ToArray();
                if (repeat == 1) x[0] = -x[0];   // flips the parity of p
                layer.Forward(x, output, scratch);
                for (var j = 0; j < outputs; j++)
                {
                    var z = 0;
                    for (var i = 0; i < inputs; i++) z += (int)(x[i] * signs[j * inputs + i]);
                    Assert.Equal(thresholds[j].Fires(z) ? 1f : -1f, output[j]);
                    seen.Add(output[j]);
                }
            }
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public void A_block_of_code_samples_equals_one_sample_at_a_time()
    {
        var random = new Random(12);
        const int inputs = 90, outputs = 50, count = 13;
        var thresholds = Enumerable.Range(0, outputs).Select(j => new SignThreshold(random.Next(-3000, 3000), (ThresholdDirection)(j % 4))).ToArray();
        var layer = new BinaryDenseLayer("fc1", inputs, PackRows(Signs(random, outputs * inputs), outputs, inputs), Enumerable.Repeat(1, inputs).ToArray(), LayerOutput.Signs(thresholds));
        var codes = Enumerable.Range(0, count * inputs).Select(_ => (float)random.Next(256)).ToArray();
        var block = new float[count * outputs];
        layer.ForwardBlock(codes, block, count, new ulong[layer.BlockScratchWords(count)]);
        var one = new float[outputs];
        for (var s = 0; s < count; s++)
        {
            layer.Forward(codes.AsSpan(s * inputs, inputs), one, new ulong[layer.ScratchWords]);
            Assert.Equal(one, block.AsSpan(s * outputs, outputs).ToArray());
        }
        Assert.Contains(1f, block);
        Assert.Contains(-1f, block);
    }

    [Fact]
    public void Thresholds_applied_together_equal_thresholds_applied_one_by_one()
    {
        var random = new Random(5);
        var thresholds = Enumerable.Range(0, 45).Select(j => new SignThreshold(random.Next(-5, 5), (ThresholdDirection)(j % 4))).ToArray();
        var output = LayerOutput.Signs(thresholds);
        var z = Enumerable.Range(0, 45).Select(_ => random.Next(-6, 6)).ToArray();
        var together = new float[45];
        output.ApplyAll(z, 1, together);
        Assert.Equal(Enumerable.Range(0, 45).Select(j => output.Apply(j, z[j])).ToArray(), together);
        output.ApplyAll(z, 3, together);
        Assert.Equal(Enumerable.Range(0, 45).Select(j => output.Apply(j, 3L * z[j])).ToArray(), together);
    }

    [Fact]
    public void Sign_packing_treats_zero_and_negative_zero_as_plus_and_nan_as_minus()
    {
        var values = Enumerable.Range(0, 37).Select(i => (i % 5) switch { 0 => 0f, 1 => -0f, 2 => float.NaN, 3 => -2.5f, _ => 3f }).ToArray();
        var packed = BitPacking.PackSigns(values);
        for (var i = 0; i < values.Length; i++)
            Assert.Equal(values[i] >= 0 ? 1 : -1, BitPacking.SignAt(packed, i));
        Assert.Equal(0UL, packed[0] >> 37);
    }

    [Fact]
    public void Input_codes_from_one_range_equal_the_per_feature_scalar_path()
    {
        var random = new Random(21);
        const int size = 37;
        var one = new InputStage(new[] { size }, new[] { -1.5f }, new[] { 2.25f }, new[] { 8 });
        var perFeature = new InputStage(new[] { size }, Enumerable.Repeat(-1.5f, size).ToArray(), Enumerable.Repeat(2.25f, size).ToArray(), Enumerable.Repeat(8, size).ToArray());
        // Out of range both ways, NaN, and values on a rounding midpoint (code 0.5 and 2.5 → 0 and 2).
        var sample = Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() * 5 - 2.5)).ToArray();
        (sample[0], sample[1], sample[2]) = (float.NaN, -1.5f + 0.5f * 3.75f / 255f, -1.5f + 2.5f * 3.75f / 255f);
        var (fast, slow) = (new float[size], new float[size]);
        one.Encode(sample, fast);
        perFeature.Encode(sample, slow);
        Assert.Equal(slow, fast);
        Assert.Contains(0f, fast);
        Assert.Contains(255f, fast);
    }
}
