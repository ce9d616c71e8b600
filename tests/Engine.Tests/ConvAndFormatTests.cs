using Xunit;
using Qnn.Engine.Format;
using Qnn.Engine.Kernels;

namespace Qnn.Engine.Tests;

public class ConvAndFormatTests
{
    private static float[] Signs(Random random, int n) => Enumerable.Range(0, n).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray();

    /// <summary>A direct convolution with zero padding, as torch computes it.</summary>
    private static long Reference(float[] input, int[] shape, float[] weights, int outChannel, int groups, int kernel, int stride, int padding, int dilation, int oy, int ox)
    {
        var perGroup = shape[0] / groups;
        var group = outChannel / (weights.Length / (perGroup * kernel * kernel) / groups);
        long z = 0;
        for (var ci = 0; ci < perGroup; ci++)
            for (var ky = 0; ky < kernel; ky++)
                for (var kx = 0; kx < kernel; kx++)
                {
                    var y = oy * stride - padding + ky * dilation;
                    var x = ox * stride - padding + kx * dilation;
                    if (y < 0 || y >= shape[1] || x < 0 || x >= shape[2]) continue;
                    var value = input[((group * perGroup + ci) * shape[1] + y) * shape[2] + x];
                    z += (long)(value * weights[((outChannel * perGroup + ci) * kernel + ky) * kernel + kx]);
                }
        return z;
    }

    [Theory]
    [InlineData(3, 9, 9, 8, 3, 1, 1, 1, 1, false)]
    [InlineData(4, 11, 10, 6, 3, 2, 2, 2, 2, false)]
    [InlineData(2, 7, 7, 4, 5, 1, 2, 1, 1, false)]
    [InlineData(70, 5, 5, 3, 3, 1, 1, 1, 1, false)]   // over 64 channels per group: packed windows
    [InlineData(1, 8, 8, 5, 3, 1, 1, 1, 1, true)]
    [InlineData(4, 6, 6, 4, 2, 1, 0, 1, 4, true)]
    [InlineData(1, 28, 28, 6, 5, 1, 2, 1, 1, true)]      // BinaryLeNet5's first layer: shifted planes
    [InlineData(3, 9, 7, 4, 3, 1, 2, 2, 1, true)]        // dilated, padding wider than the reach
    [InlineData(2, 9, 9, 3, 3, 2, 1, 1, 1, true)]        // stride 2: per position
    [InlineData(3, 6, 6, 2, 3, 1, 1, 1, 1, true, 1 << 20)]  // sums past 2^24: per position in integers
    public void A_binary_convolution_matches_the_direct_one(int channels, int height, int width, int outChannels, int kernel, int stride, int padding, int dilation, int groups, bool codes, int codeLimit = 256)
    {
        var random = new Random(channels * 100 + kernel);
        var shape = new[] { channels, height, width };
        var input = codes
            ? Enumerable.Range(0, channels * height * width).Select(_ => (float)random.Next(codeLimit)).ToArray()
            : Signs(random, channels * height * width);
        var perRow = channels / groups * kernel * kernel;
        var weights = Signs(random, outChannels * perRow);
        var words = BitPacking.WordsFor(perRow);
        var packed = new ulong[words * outChannels];
        for (var c = 0; c < outChannels; c++)
            BitPacking.PackSigns(weights.AsSpan(c * perRow, perRow), packed.AsSpan(c * words, words));
        // Logits with α = 1, β = 0 expose the raw pre-activations.
        var layer = new BinaryConvLayer("conv", ConvGeometry.Of(shape, outChannels, kernel, stride, padding, dilation, groups), packed, codes,
            LayerOutput.Logits(Enumerable.Repeat(1f, outChannels).ToArray(), new float[outChannels], 1f));
        var output = new float[layer.OutputSize];
        layer.Forward(input, output, new ulong[layer.ScratchWords]);
        for (var c = 0; c < outChannels; c++)
            for (var oy = 0; oy < layer.OutHeight; oy++)
                for (var ox = 0; ox < layer.OutWidth; ox++)
                    Assert.Equal(Reference(input, shape, weights, c, groups, kernel, stride, padding, dilation, oy, ox),
                        (long)output[(c * layer.OutHeight + oy) * layer.OutWidth + ox]);
    }

    [Fact]
    public void Code_convolutions_apply_every_threshold_direction_per_channel()
    {
        var random = new Random(9);
        var shape = new[] { 2, 10, 10 };
        var input = Enumerable.Range(0, 200).Select(_ => (float)random.Next(256)).ToArray();
        var weights = Signs(random, 4 * 18);
        var packed = Enumerable.Range(0, 4).Select(c => BitPacking.PackSigns(weights.AsSpan(c * 18, 18))[0]).ToArray();
        var thresholds = new[] { new SignThreshold(100, ThresholdDirection.AtLeast), new SignThreshold(-50, ThresholdDirection.AtMost),
            new SignThreshold(0, ThresholdDirection.Always), new SignThreshold(0, ThresholdDirection.Never) };
        var layer = new BinaryConvLayer("conv", ConvGeometry.Of(shape, 4, 3, 1, 1, 1, 1), packed, codeInputs: true, LayerOutput.Signs(thresholds));
        var output = new float[layer.OutputSize];
        layer.Forward(input, output, new ulong[layer.ScratchWords]);
        for (var c = 0; c < 4; c++)
            for (var p = 0; p < 100; p++)
                Assert.Equal(thresholds[c].Fires((int)Reference(input, shape, weights, c, 1, 3, 1, 1, 1, p / 10, p % 10)) ? 1f : -1f, output[c * 100 + p]);
        Assert.Contains(1f, output.AsSpan(0, 100).ToArray());
        Assert.Contains(-1f, output.AsSpan(0, 100).ToArray());
    }

    [Fact]
    public void Max_pooling_on_signs_is_an_or_of_the_window()
    {
        var input = new float[] { -1, -1, 1, -1, -1, -1, -1, -1, /* row 2 */ -1, 1, -1, -1, -1, -1, -1, -1 };
        var pool = new MaxPoolLayer("pool", new[] { 1, 2, 8 }, 2);
        var output = new float[4];
        pool.Forward(input, output, Span<ulong>.Empty);
        Assert.Equal(new float[] { 1, 1, -1, -1 }, output);
    }

    internal static EngineModel SmallModel()
    {
        var random = new Random(1);
        var input = new InputStage(new[] { 1, 6, 6 }, new[] { 0f }, new[] { 255f }, new[] { 8 });
        var conv = new BinaryConvLayer("conv1", ConvGeometry.Of(new[] { 1, 6, 6 }, 4, 3, 1, 1, 1, 1),
            Enumerable.Range(0, 4).Select(_ => BitPacking.PackSigns(Signs(random, 9))[0]).ToArray(), codeInputs: true,
            LayerOutput.Signs(Enumerable.Range(0, 4).Select(i => new SignThreshold(i * 10 - 20, i % 2 == 0 ? ThresholdDirection.AtLeast : ThresholdDirection.AtMost)).ToArray()));
        var pool = new MaxPoolLayer("pool1", new[] { 4, 6, 6 }, 2);
        var dense = new BinaryDenseLayer("fc2", 36, Enumerable.Range(0, 3).Select(_ => (ulong)random.NextInt64()).ToArray(), null,
            LayerOutput.Logits(new[] { 0.5f, -0.25f, 1f }, new[] { 0.1f, 0.2f, -0.3f }, 1f));
        var head = new FloatDenseLayer("fc3", 3, Enumerable.Range(0, 6).Select(i => i * 0.1f - 0.2f).ToArray(), new[] { 1f, 2f }, new[] { 0f, -1f }, signs: false);
        return new EngineModel("Small", input, new EngineLayer[] { conv, pool, dense, head });
    }

    private static byte[] Bytes(EngineModel model)
    {
        using var stream = new MemoryStream();
        QnnxFormat.Write(model, stream);
        return stream.ToArray();
    }

    private static EngineModel Read(byte[] bytes) => QnnxFormat.Read(new MemoryStream(bytes));

    [Fact]
    public void A_model_round_trips_through_its_file_and_predicts_the_same()
    {
        var model = SmallModel();
        var bytes = Bytes(model);
        var back = Read(bytes);
        Assert.Equal(bytes, Bytes(back));
        var random = new Random(2);
        var a = model.CreateWorkspace();
        var b = back.CreateWorkspace();
        for (var s = 0; s < 20; s++)
        {
            var sample = Enumerable.Range(0, 36).Select(_ => (float)random.Next(256)).ToArray();
            Assert.Equal(model.Logits(sample, a).ToArray(), back.Logits(sample, b).ToArray());
        }
    }

    [Fact]
    public void Bad_magic_and_version_are_named()
    {
        var bytes = Bytes(SmallModel());
        var magic = (byte[])bytes.Clone();
        magic[0] = (byte)'X';
        Assert.Contains("not a .qnnx file", Assert.Throws<QnnxFormatException>(() => Read(magic)).Message);
        var version = (byte[])bytes.Clone();
        version[4] = 7;
        Assert.Contains("format version 7; this engine reads versions 1 to 6", Assert.Throws<QnnxFormatException>(() => Read(version)).Message);
    }

    [Fact]
    public void Every_truncation_is_reported()
    {
        var bytes = Bytes(SmallModel());
        for (var length = 0; length < bytes.Length; length++)
            Assert.Throws<QnnxFormatException>(() => Read(bytes[..length]));
        // Appended bytes move the checksum; resealed, they are bytes after the end marker.
        Assert.Contains("checksum mismatch", Assert.Throws<QnnxFormatException>(() => Read(bytes.Concat(new byte[3]).ToArray())).Message);
        var appended = QnnxBytes.Reseal(bytes[..^4].Concat(new byte[7]).ToArray());
        Assert.Contains("end: 3 bytes follow the end marker", Assert.Throws<QnnxFormatException>(() => Read(appended)).Message);
    }

    [Fact]
    public void Sizes_that_disagree_are_reported()
    {
        var model = SmallModel();
        // A dense layer whose input size does not match what the previous layer gives.
        var broken = new EngineModel("Broken", model.Input, new EngineLayer[] { model.Layers[0] });
        var bytes = Bytes(broken);
        // Change the conv layer's output channel count (the 4th i32 after its name) from 4 to 5.
        var name = System.Text.Encoding.UTF8.GetBytes("conv1");
        var at = bytes.AsSpan().IndexOf(name) + name.Length + 12;
        Assert.Equal(4, BitConverter.ToInt32(bytes, at));
        BitConverter.GetBytes(5).CopyTo(bytes, at);
        Assert.Contains("checksum mismatch", Assert.Throws<QnnxFormatException>(() => Read(bytes)).Message);
        Assert.Contains("layer 0 (conv1): 4 outputs for 5 out channels", Assert.Throws<QnnxFormatException>(() => Read(QnnxBytes.Reseal(bytes))).Message);
    }
}
