using Xunit;
using Qnn.Engine.Kernels;

namespace Qnn.Engine.Tests;

/// <summary>The one place scratch offsets are computed, and the scratch sizes the layers ask for
/// through it (the sizes they had when each layer computed its own offsets).</summary>
public class ScratchLayoutTests
{
    [Fact]
    public void Regions_follow_one_another_each_at_its_alignment()
    {
        var layout = new ScratchLayout();
        var words = layout.Add<ulong>(3);
        var ints = layout.Add<int>(5);
        var bytes = layout.Add<byte>(3);
        var floats = layout.Add<float>(2, alignment: sizeof(float));
        Assert.Equal((0, 3), (words.Offset, words.Count));
        Assert.Equal((24, 5), (ints.Offset, ints.Count));
        // 24 + 20 = 44 bytes, up to the next whole word.
        Assert.Equal(48, bytes.Offset);
        // 48 + 3 = 51, up to the next float.
        Assert.Equal(52, floats.Offset);
        // 60 bytes take 8 words.
        Assert.Equal(8, layout.Words);
    }

    [Fact]
    public void Each_region_is_its_own_part_of_the_scratch()
    {
        var layout = new ScratchLayout();
        var first = layout.Add<int>(3);
        var second = layout.Add<byte>(5);
        var third = layout.Add<float>(1, alignment: sizeof(float));
        var scratch = new ulong[layout.Words];
        first.In(scratch).Fill(-1);
        second.In(scratch).Fill(0x7f);
        third.In(scratch)[0] = 2.5f;
        Assert.Equal(new[] { -1, -1, -1 }, first.In(scratch).ToArray());
        Assert.Equal(new byte[] { 0x7f, 0x7f, 0x7f, 0x7f, 0x7f }, second.In(scratch).ToArray());
        Assert.Equal(2.5f, third.In(scratch)[0]);
        // Ints in bytes 0–11, bytes in 16–20 (the next word), the float in 24–27 (the next 4 bytes):
        // nothing written where a region does not reach.
        Assert.Equal(4, scratch.Length);
        Assert.Equal(0xFFFF_FFFFUL, scratch[1]);
        Assert.Equal(0x7f_7f7f_7f7fUL, scratch[2]);
        Assert.Equal(BitConverter.SingleToUInt32Bits(2.5f), scratch[3]);
    }

    [Fact]
    public void An_alignment_that_splits_a_value_is_refused()
    {
        var layout = new ScratchLayout();
        Assert.Throws<ArgumentException>(() => layout.Add<int>(4, alignment: 2));
        Assert.Throws<ArgumentException>(() => layout.Add<ulong>(-1));
    }

    private static LayerOutput Logits(int count) => LayerOutput.Logits(new float[count], new float[count], 1f);

    [Fact]
    public void Binary_dense_layers_keep_their_scratch_sizes()
    {
        // ±1 inputs row by row: 2 packed words and 10 int sums.
        Assert.Equal(2 + 5, new BinaryDenseLayer("fc", 100, new ulong[2 * 10], null, Logits(10)).ScratchWords);
        // ±1 inputs with 300 outputs: by the column counter (sums for 512 outputs, 100 selected inputs) where it runs.
        var wide = new BinaryDenseLayer("fc", 100, new ulong[2 * 300], null, Logits(300));
        Assert.Equal(ColumnCounter.IsSupported ? 2 + 256 + 50 : 2 + 150, wide.ScratchWords);
        Assert.Equal(ColumnCounter.IsSupported, wide.CountsByColumns);
        // Codes of one width: packed input and 24 bit-planes, sums, byte codes (a VNNI, AVX-512BW or row stride).
        var codes = new BinaryDenseLayer("fc", 100, new ulong[2 * 10], Enumerable.Repeat(3, 100).ToArray(), Logits(10));
        var (stride, padded) = ByteDotVnni.IsSupported ? (ByteDotVnni.Stride(100), ByteDotVnni.PaddedOutputs(10))
            : ByteDotAvx512.IsSupported ? (ByteDotAvx512.Stride(100), ByteDotAvx512.PaddedOutputs(10)) : (128, 10);
        Assert.Equal(2 * 25 + (padded + 1) / 2 + (stride + 7) / 8, codes.ScratchWords);
        Assert.Equal(2 * 25 + (32 * padded + 1) / 2 + (32 * stride + 7) / 8, codes.BlockScratchWords(32));
    }

    [Fact]
    public void Integer_dense_and_conv_layers_keep_their_scratch_sizes()
    {
        // Packed input, 100 inputs as integers, 10 int sums.
        Assert.Equal(2 + 100 + 5, IntegerDenseLayer.NBits("fc", 100, 4, new sbyte[1000], null, Logits(10)).ScratchWords);
        // ±1 inputs of at most 32 channels (27-bit windows): window and mask, a 10×10 padded image
        // of uint pixel words (50 words), 10×8 strips, then 64 positions' output bits (32-bit words)
        // and as many pooled.
        Assert.Equal(1 + 1 + 50 + 80 + 32 + 32, new BinaryConvLayer("conv", ConvGeometry.Of(new[] { 3, 8, 8 }, 4, 3, 1, 1, 1, 1), new ulong[4], false, Logits(4)).ScratchWords);
        // ±1 inputs of 40 channels: window and mask (360 bits, 6 words each), then one word per pixel.
        Assert.Equal(6 + 6 + 8 * 8, new BinaryConvLayer("conv", ConvGeometry.Of(new[] { 40, 8, 8 }, 4, 3, 1, 1, 1, 1), new ulong[4 * 6], false, Logits(4)).ScratchWords);
        // ±1 inputs of 70 channels: a window of 630 bits (10 words) and its mask.
        Assert.Equal(2 * 10, new BinaryConvLayer("conv", ConvGeometry.Of(new[] { 70, 4, 4 }, 2, 3, 1, 1, 1, 1), new ulong[2 * 10], false, Logits(2)).ScratchWords);
        // Codes at stride 1: window and mask, then a 7×7 padded copy with 16 floats of slack (65
        // floats, 32.5 words).
        Assert.Equal(2 + 33, new BinaryConvLayer("conv", ConvGeometry.Of(new[] { 1, 5, 5 }, 2, 3, 1, 1, 1, 1), new ulong[2], true, Logits(2)).ScratchWords);
        // Codes at stride 2: window and mask only.
        Assert.Equal(2, new BinaryConvLayer("conv", ConvGeometry.Of(new[] { 1, 5, 5 }, 2, 3, 2, 1, 1, 1), new ulong[2], true, Logits(2)).ScratchWords);
    }
}
