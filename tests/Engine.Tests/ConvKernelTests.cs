using Xunit;
using Qnn.Engine.Kernels;

namespace Qnn.Engine.Tests;

/// <summary>
/// The convolutions' fast paths (packed windows on ±1 inputs, shifted-plane sums on input codes,
/// pooling of output bits, 2×2 pooling by vectors) against the same algorithms without vectors and
/// against the per-position reference path, on random weights and thresholds and odd sizes.
/// </summary>
public class ConvKernelTests
{
    private static float[] Signs(Random random, int n) => Enumerable.Range(0, n).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray();

    /// <summary>Thresholds of every direction, around the spread of z so that outputs are mixed.</summary>
    private static SignThreshold[] Thresholds(Random random, int count, int spread) =>
        Enumerable.Range(0, count).Select(j => new SignThreshold(random.Next(-spread, spread + 1), (j % 11) switch
        {
            9 => ThresholdDirection.Always,
            10 => ThresholdDirection.Never,
            _ => j % 2 == 0 ? ThresholdDirection.AtLeast : ThresholdDirection.AtMost,
        })).ToArray();

    private static BinaryConvLayer Layer(Random random, int channels, int height, int width, int outChannels, int kernel, int stride,
        int padding, int dilation, int groups, bool codes, bool signs)
    {
        var bits = channels / groups * kernel * kernel;
        var words = BitPacking.WordsFor(bits);
        // Random rows, zero past the last weight as packed rows are.
        var packed = Enumerable.Range(0, outChannels * words).Select(k => ((ulong)random.NextInt64() ^ ((ulong)random.NextInt64() << 1))
            & (k % words == words - 1 && bits % 64 != 0 ? (1UL << (bits % 64)) - 1 : ulong.MaxValue)).ToArray();
        var spread = (int)Math.Sqrt(channels / groups * kernel * kernel) * (codes ? 128 : 1);
        var output = signs
            ? LayerOutput.Signs(Thresholds(random, outChannels, spread))
            : LayerOutput.Logits(Enumerable.Range(0, outChannels).Select(j => 0.5f + j).ToArray(), Enumerable.Range(0, outChannels).Select(j => 0.25f * j).ToArray(), 1f);
        return new BinaryConvLayer("conv", ConvGeometry.Of(new[] { channels, height, width }, outChannels, kernel, stride, padding, dilation, groups), packed, codes, output);
    }

    private static float[] Input(Random random, BinaryConvLayer layer, int codeLimit = 256) => layer.CodeInputs
        ? Enumerable.Range(0, layer.InputSize).Select(_ => (float)random.Next(codeLimit)).ToArray()
        : Signs(random, layer.InputSize);

    private static float[] Run(BinaryConvLayer layer, float[] input, ConvPath path)
    {
        var output = new float[layer.OutputSize];
        // Scratch left dirty by an earlier sample must not matter.
        var scratch = Enumerable.Repeat(ulong.MaxValue, layer.ScratchWords).ToArray();
        layer.Forward(input, output, scratch, path);
        return output;
    }

    /// <summary>Runs the reference path, checks that each of <paramref name="paths"/> gives the
    /// same outputs, and returns them.</summary>
    private static float[] AssertPathsEqualTheReference(BinaryConvLayer layer, float[] input, params ConvPath[] paths)
    {
        var expected = Run(layer, input, ConvPath.Reference);
        foreach (var path in paths)
            Assert.Equal(expected, Run(layer, input, path));
        return expected;
    }

    /// <summary>Pools the reference path's outputs, checks that each of <paramref name="paths"/>
    /// convolving and pooling at once gives the same, and returns them.</summary>
    private static float[] AssertPoolingEqualsTheReference(BinaryConvLayer layer, float[] input, int pool, params ConvPath[] paths)
    {
        var pooling = new MaxPoolLayer("pool", new[] { layer.OutChannels, layer.OutHeight, layer.OutWidth }, pool);
        var expected = new float[pooling.OutputSize];
        pooling.Forward(Run(layer, input, ConvPath.Reference), expected, vectors: false);
        foreach (var path in paths)
        {
            var pooled = new float[pooling.OutputSize];
            // Dirty scratch, as in Run.
            layer.ForwardPooled(input, pooled, pool, Enumerable.Repeat(ulong.MaxValue, layer.ScratchWords).ToArray(), path);
            Assert.Equal(expected, pooled);
        }
        return expected;
    }

    /// <summary>Sign outputs that are not all one value: both +1 and −1 occur.</summary>
    private static void AssertBothSigns(float[] outputs)
    {
        Assert.Contains(1f, outputs);
        Assert.Contains(-1f, outputs);
    }

    [Theory]
    [InlineData(16, 28, 28, 32, 3, 1, 1, 1, 1)]   // MiniMnistCnn's conv2
    [InlineData(6, 14, 14, 16, 5, 1, 0, 1, 1)]    // BinaryLeNet5's conv2
    [InlineData(3, 9, 11, 13, 3, 1, 1, 1, 1)]     // odd sizes, channels not a multiple of 8
    [InlineData(5, 17, 13, 7, 5, 2, 2, 1, 1)]     // stride 2
    [InlineData(4, 12, 15, 9, 3, 1, 3, 2, 1)]     // dilated, padding past the kernel's reach
    [InlineData(6, 10, 9, 12, 3, 2, 1, 1, 3)]     // groups
    [InlineData(32, 7, 6, 70, 2, 1, 1, 1, 1)]     // 32 channels a group, two mask words, a straddling octet
    [InlineData(2, 5, 5, 3, 1, 1, 0, 1, 1)]       // 1×1 kernel
    [InlineData(12, 6, 7, 66, 5, 1, 2, 1, 2)]     // 6 channels a group × 5 taps = 30 bits a strip, 33 outputs a group
    public void Packed_windows_equal_the_reference_on_signs_and_logits(int channels, int height, int width, int outChannels, int kernel,
        int stride, int padding, int dilation, int groups)
    {
        foreach (var signs in new[] { true, false })
        {
            var random = new Random(channels * 1000 + outChannels * 10 + kernel + (signs ? 1 : 0));
            var layer = Layer(random, channels, height, width, outChannels, kernel, stride, padding, dilation, groups, codes: false, signs);
            Assert.True(layer.PoolsBits == signs);
            for (var sample = 0; sample < 3; sample++)
            {
                var expected = AssertPathsEqualTheReference(layer, Input(random, layer), ConvPath.Fast, ConvPath.Scalar, ConvPath.Sliced);
                if (signs)
                    AssertBothSigns(expected);
            }
        }
    }

    [Theory]
    [InlineData(16, 28, 28, 32, 3, 1, 1, 1)]      // MiniMnistCnn's conv2: two vectors of rows
    [InlineData(6, 14, 14, 16, 5, 0, 1, 1)]       // BinaryLeNet5's conv2
    [InlineData(1, 9, 7, 5, 3, 1, 1, 1)]          // 9 taps: no carry-save step, only the last taps
    [InlineData(3, 33, 32, 7, 3, 1, 1, 1)]        // 32 columns, three vectors of rows
    [InlineData(5, 17, 19, 9, 3, 3, 2, 1)]        // dilated, padding past the reach
    [InlineData(6, 12, 10, 12, 5, 2, 1, 3)]       // groups
    [InlineData(40, 6, 8, 5, 3, 1, 1, 1)]         // over 32 channels: no packed windows
    [InlineData(2, 5, 30, 3, 1, 0, 1, 1)]         // 1×1 kernel
    public void The_column_counter_equals_the_reference(int channels, int height, int width, int outChannels, int kernel, int padding, int dilation, int groups)
    {
        var random = new Random(channels * 31 + height + kernel);
        var layer = Layer(random, channels, height, width, outChannels, kernel, 1, padding, dilation, groups, codes: false, signs: true);
        // Over 32 channels only the column counter pools bits, where vectors are accelerated.
        Assert.Equal(channels / groups <= 32 || System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, layer.PoolsBits);
        for (var sample = 0; sample < 3; sample++)
        {
            var input = Input(random, layer);
            AssertBothSigns(AssertPathsEqualTheReference(layer, input, ConvPath.Sliced, ConvPath.Fast));
            if (layer.PoolsBits)
                AssertPoolingEqualsTheReference(layer, input, 2, ConvPath.Sliced, ConvPath.Scalar);
        }
    }

    [Fact]
    public void Layers_past_the_packed_window_limits_keep_their_paths()
    {
        var random = new Random(5);
        // 40 channels (over 32 a group) and 3 × 24 = 72 bits a strip (over one word), rows of 33
        // columns (over a word for the column counter).
        foreach (var (channels, kernel) in new[] { (40, 3), (24, 3) })
        {
            var layer = Layer(random, channels, 4, 33, 5, kernel, 1, 1, 1, 1, codes: false, signs: true);
            Assert.False(layer.PoolsBits);
            var input = Input(random, layer);
            Assert.Equal(Run(layer, input, ConvPath.Reference), Run(layer, input, ConvPath.Fast));
        }
    }

    [Theory]
    [InlineData(16, 28, 28, 32, 3, 1, 1, 2)]
    [InlineData(6, 14, 14, 16, 5, 0, 1, 2)]
    [InlineData(3, 11, 9, 10, 3, 1, 1, 2)]        // odd output: the last row and column fall out
    [InlineData(4, 13, 13, 70, 3, 1, 1, 3)]
    [InlineData(6, 9, 9, 12, 3, 1, 3, 2)]         // groups
    public void Pooling_output_bits_equals_the_layer_then_the_pooling(int channels, int height, int width, int outChannels, int kernel,
        int padding, int groups, int pool)
    {
        var random = new Random(channels + outChannels + pool);
        var layer = Layer(random, channels, height, width, outChannels, kernel, 1, padding, 1, groups, codes: false, signs: true);
        for (var sample = 0; sample < 3; sample++)
            AssertBothSigns(AssertPoolingEqualsTheReference(layer, Input(random, layer), pool, ConvPath.Fast, ConvPath.Scalar, ConvPath.Sliced));
    }

    [Theory]
    [InlineData(1, 28, 28, 16, 3, 1, 1, 1)]       // MiniMnistCnn's conv1
    [InlineData(1, 28, 28, 6, 5, 2, 1, 1)]        // BinaryLeNet5's conv1
    [InlineData(2, 9, 7, 5, 3, 1, 1, 1)]          // rows shorter than a vector
    [InlineData(3, 11, 17, 7, 3, 2, 2, 1)]        // dilated, 17 wide: one run and one overlapping run
    [InlineData(4, 6, 33, 6, 3, 1, 1, 2)]         // groups, 33 wide
    [InlineData(2, 5, 16, 3, 1, 0, 1, 1)]         // exactly one run a row
    [InlineData(6, 9, 20, 9, 3, 1, 2, 3)]         // groups, in rows of int16 sums
    [InlineData(1, 12, 32, 4, 3, 1, 1, 1, 4000)]  // codes whose sums leave int16: float sums
    [InlineData(1, 6, 40, 4, 3, 1, 1, 1)]         // rows over 32: float sums
    public void Code_plane_sums_equal_the_reference_on_signs_and_logits(int channels, int height, int width, int outChannels, int kernel,
        int padding, int dilation, int groups, int codeLimit = 256)
    {
        foreach (var signs in new[] { true, false })
        {
            var random = new Random(channels * 100 + width + (signs ? 1 : 0));
            var layer = Layer(random, channels, height, width, outChannels, kernel, 1, padding, dilation, groups, codes: true, signs);
            for (var sample = 0; sample < 3; sample++)
            {
                var expected = AssertPathsEqualTheReference(layer, Input(random, layer, codeLimit), ConvPath.Fast, ConvPath.Scalar);
                if (signs)
                    AssertBothSigns(expected);
            }
        }
    }

    [Theory]
    [InlineData(1, 28, 28, 6, 5, 2, 2, 256)]      // BinaryLeNet5's conv1 and pool1
    [InlineData(2, 11, 13, 9, 3, 1, 2, 256)]      // odd sizes: the last row and column fall out
    [InlineData(1, 9, 30, 4, 3, 1, 3, 256)]
    [InlineData(1, 12, 20, 4, 3, 1, 2, 8000)]     // codes whose sums leave int16: floats pooled
    public void Pooling_code_convolution_bits_equals_the_layer_then_the_pooling(int channels, int height, int width, int outChannels, int kernel,
        int padding, int pool, int codeLimit)
    {
        var random = new Random(channels + width + pool + codeLimit);
        var layer = Layer(random, channels, height, width, outChannels, kernel, 1, padding, 1, 1, codes: true, signs: true);
        Assert.True(layer.PoolsBits);
        for (var sample = 0; sample < 3; sample++)
            AssertBothSigns(AssertPoolingEqualsTheReference(layer, Input(random, layer, codeLimit), pool, ConvPath.Fast, ConvPath.Scalar));
    }

    [Theory]
    [InlineData(3, 28, 28, 2)]
    [InlineData(2, 10, 10, 2)]    // 5 outputs a row: no vector run
    [InlineData(2, 16, 17, 2)]    // 8 outputs a row, the last column falls out
    [InlineData(4, 9, 31, 2)]     // 15 outputs a row: two overlapping runs
    [InlineData(2, 12, 30, 3)]
    public void Vector_max_pooling_equals_the_loop(int channels, int height, int width, int pool)
    {
        var random = new Random(height * width);
        var layer = new MaxPoolLayer("pool", new[] { channels, height, width }, pool);
        // Mostly -1 so that both outcomes occur; some zeros and fractions (zero counts as +1).
        var input = Enumerable.Range(0, layer.InputSize).Select(_ => random.Next(10) switch { 0 => 1f, 1 => 0f, 2 => -0.5f, _ => -1f }).ToArray();
        var (expected, actual) = (new float[layer.OutputSize], new float[layer.OutputSize]);
        layer.Forward(input, expected, vectors: false);
        layer.Forward(input, actual, Span<ulong>.Empty);
        Assert.Equal(expected, actual);
        AssertBothSigns(expected);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(257)]
    public void A_model_with_fused_convolution_and_pooling_equals_its_layers_run_by_the_reference(int batch)
    {
        var random = new Random(batch);
        var input = new InputStage(new[] { 1, 15, 17 }, new[] { 0f }, new[] { 255f }, new[] { 8 });
        var conv1 = Layer(random, 1, 15, 17, 6, 3, 1, 1, 1, 1, codes: true, signs: true);
        var pool1 = new MaxPoolLayer("pool1", new[] { 6, 15, 17 }, 2);
        var conv2 = Layer(random, 6, 7, 8, 11, 3, 1, 1, 1, 1, codes: false, signs: true);
        var pool2 = new MaxPoolLayer("pool2", new[] { 11, 7, 8 }, 2);
        var dense = new BinaryDenseLayer("fc3", 11 * 3 * 4, Enumerable.Range(0, 5 * 3).Select(_ => (ulong)random.NextInt64()).ToArray(), null,
            LayerOutput.Logits(new[] { 0.5f, -0.25f, 1f, 2f, 0.125f }, new[] { 0.1f, 0.2f, -0.3f, 0f, 1f }, 1f));
        var model = new EngineModel("Fused", input, new EngineLayer[] { conv1, pool1, conv2, pool2, dense });
        var samples = Enumerable.Range(0, batch * input.Size).Select(_ => (float)random.Next(256)).ToArray();
        var logits = new float[batch * model.Classes];
        var workspace = model.CreateWorkspace();
        model.Logits(samples, logits, workspace);
        var classes = new int[batch];
        model.Predict(samples, classes, workspace);
        var distinct = new HashSet<string>();
        for (var s = 0; s < batch; s++)
        {
            var codes = new float[input.Size];
            input.Encode(samples.AsSpan(s * input.Size, input.Size), codes);
            var a = Run(conv1, codes, ConvPath.Reference);
            var b = new float[pool1.OutputSize];
            pool1.Forward(a, b, vectors: false);
            var c = Run(conv2, b, ConvPath.Reference);
            var d = new float[pool2.OutputSize];
            pool2.Forward(c, d, vectors: false);
            distinct.Add(string.Join(",", d));
            var expected = new float[model.Classes];
            dense.Forward(d, expected, new ulong[dense.ScratchWords]);
            Assert.Equal(expected, logits.AsSpan(s * model.Classes, model.Classes).ToArray());
            Assert.Equal(expected, model.Logits(samples.AsSpan(s * input.Size, input.Size), workspace).ToArray());
            Assert.Equal(Array.IndexOf(expected, expected.Max()), classes[s]);
        }
        // The samples mostly differ where they reach the dense layer.
        Assert.True(distinct.Count > batch * 3 / 4, $"{distinct.Count} distinct of {batch}");
    }

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(31, 1, true)]
    [InlineData(33, 1, false)]
    [InlineData(257, 1, true)]
    [InlineData(33, 15, true)]     // 15 channels of 8-bit codes × 9 taps: sums past int16, the layers one by one
    public void A_code_convolution_handing_its_bits_to_the_next_equals_the_layers_run_by_the_reference(int batch, int channels, bool pooled)
    {
        var random = new Random(batch * 10 + channels);
        var input = new InputStage(new[] { channels, 14, 17 }, new[] { 0f }, new[] { 255f }, new[] { 8 });
        var conv1 = Layer(random, channels, 14, 17, 5, 3, 1, 1, 1, 1, codes: true, signs: true);
        var conv2 = Layer(random, 5, 14, 17, 9, 3, 1, 1, 1, 1, codes: false, signs: true);
        var layers = new List<EngineLayer> { conv1, conv2 };
        var features = 9 * 14 * 17;
        if (pooled)
        {
            layers.Add(new MaxPoolLayer("pool2", new[] { 9, 14, 17 }, 2));
            features = 9 * 7 * 8;
        }
        var dense = new BinaryDenseLayer("fc3", features, Enumerable.Range(0, 3 * BitPacking.WordsFor(features)).Select(_ => (ulong)random.NextInt64()).ToArray(), null,
            LayerOutput.Logits(new[] { 0.5f, -0.25f, 1f }, new[] { 0.1f, 0.2f, -0.3f }, 1f));
        layers.Add(dense);
        var model = new EngineModel("Handed", input, layers);
        Assert.Equal(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, conv1.EmitsRows && conv2.TakesRows);
        // Mostly small codes; with 15 channels some samples reach the float path.
        var samples = Enumerable.Range(0, batch * input.Size).Select(_ => (float)(random.Next(8) == 0 ? random.Next(256) : random.Next(40))).ToArray();
        var logits = new float[batch * model.Classes];
        var workspace = model.CreateWorkspace();
        model.Logits(samples, logits, workspace);
        for (var s = 0; s < batch; s++)
        {
            var codes = new float[input.Size];
            input.Encode(samples.AsSpan(s * input.Size, input.Size), codes);
            var values = Run(conv2, Run(conv1, codes, ConvPath.Reference), ConvPath.Reference);
            if (pooled)
            {
                var next = new float[features];
                ((MaxPoolLayer)layers[2]).Forward(values, next, vectors: false);
                values = next;
            }
            var expected = new float[model.Classes];
            dense.Forward(values, expected, new ulong[dense.ScratchWords]);
            Assert.Equal(expected, logits.AsSpan(s * model.Classes, model.Classes).ToArray());
            Assert.Equal(expected, model.Logits(samples.AsSpan(s * input.Size, input.Size), workspace).ToArray());
        }
        if (channels == 15)
            Assert.Contains(Enumerable.Range(0, batch), s => samples.AsSpan(s * input.Size, input.Size).ToArray().Max() * 135 >= short.MaxValue);
    }
    [Theory]
    [InlineData(6, 14, 14, 16, 5, 1, 1, 32)]     // BinaryLeNet5's conv2, a full block
    [InlineData(6, 14, 14, 16, 5, 1, 1, 1)]
    [InlineData(3, 9, 13, 7, 3, 1, 1, 31)]      // odd sizes, rows straddling vectors
    [InlineData(4, 11, 20, 5, 3, 1, 1, 17)]     // rows over 16: one sample a word
    [InlineData(4, 12, 15, 6, 3, 2, 2, 9)]      // dilated, groups
    [InlineData(32, 5, 7, 3, 2, 1, 1, 3)]       // 128 taps: the counter past its carry-save planes
    public void Samples_in_lanes_equal_the_reference_per_sample(int channels, int height, int width, int outChannels, int kernel, int dilation, int groups, int samples)
    {
        var random = new Random(channels * 100 + height * 10 + samples);
        var layer = Layer(random, channels, height, width, outChannels, kernel, 1, 0, dilation, groups, codes: false, signs: true);
        var lanes = new SampleLaneConv(layer.InputShape, outChannels, kernel, dilation, groups, layer.PackedWeights, layer.Output, 32);
        var rows = Enumerable.Repeat(uint.MaxValue, lanes.LaneWords).ToArray();
        var (shifted, output) = (Enumerable.Repeat(uint.MaxValue, lanes.ShiftedWords).ToArray(), new uint[lanes.OutputWords]);
        lanes.Clear(rows);
        var inputs = Enumerable.Range(0, samples).Select(_ => Input(random, layer)).ToArray();
        for (var s = 0; s < samples; s++)
        {
            if (s % 2 == 0)
            {
                lanes.PlaceSigns(inputs[s], s, rows);
                continue;
            }
            // As row bits, with set bits past the width that must be ignored.
            var bits = new uint[channels * height];
            for (var k = 0; k < bits.Length; k++)
            {
                bits[k] = width == 32 ? 0 : uint.MaxValue << width;
                for (var x = 0; x < width; x++)
                    if (inputs[s][k * width + x] >= 0) bits[k] |= 1u << x;
            }
            lanes.Place(bits, height, s, rows);
        }
        lanes.Run(rows, samples, shifted, output);
        var taken = new uint[outChannels * layer.OutHeight];
        var plus = 0;
        for (var s = 0; s < samples; s++)
        {
            var expected = Run(layer, inputs[s], ConvPath.Reference);
            lanes.Take(output, s, taken);
            var actual = new float[layer.OutputSize];
            for (var k = 0; k < actual.Length; k++)
                actual[k] = ((taken[k / layer.OutWidth] >> (k % layer.OutWidth)) & 1) != 0 ? 1f : -1f;
            Assert.Equal(expected, actual);
            plus += expected.Count(v => v > 0);
        }
        Assert.InRange(plus, 1, samples * layer.OutputSize - 1);
    }

    [Theory]
    [InlineData(1, 28, 28, 5, 2)]     // BinaryLeNet5's shape
    [InlineData(31, 28, 28, 5, 2)]
    [InlineData(33, 15, 17, 3, 2)]
    [InlineData(257, 17, 19, 3, 1)]
    [InlineData(33, 20, 22, 3, 0)]    // no pooling after the second convolution
    public void A_code_convolution_pooled_into_lanes_equals_the_layers_run_by_the_reference(int batch, int height, int width, int kernel, int pool2)
    {
        var random = new Random(batch * 7 + height);
        var input = new InputStage(new[] { 1, height, width }, new[] { 0f }, new[] { 255f }, new[] { 8 });
        var conv1 = Layer(random, 1, height, width, 6, kernel, 1, kernel / 2, 1, 1, codes: true, signs: true);
        var pool1 = new MaxPoolLayer("pool1", new[] { 6, height, width }, 2);
        var (h, w) = (height / 2, width / 2);
        var conv2 = Layer(random, 6, h, w, 16, kernel, 1, 0, 1, 1, codes: false, signs: true);
        var layers = new List<EngineLayer> { conv1, pool1, conv2 };
        var features = conv2.OutputSize;
        if (pool2 > 0)
        {
            layers.Add(new MaxPoolLayer("pool2", new[] { 16, conv2.OutHeight, conv2.OutWidth }, pool2));
            features = 16 * (conv2.OutHeight / pool2) * (conv2.OutWidth / pool2);
        }
        var dense = new BinaryDenseLayer("fc3", features, Enumerable.Range(0, 3 * BitPacking.WordsFor(features)).Select(_ => (ulong)random.NextInt64()).ToArray(), null,
            LayerOutput.Logits(new[] { 0.5f, -0.25f, 1f }, new[] { 0.1f, 0.2f, -0.3f }, 1f));
        layers.Add(dense);
        var model = new EngineModel("Lanes", input, layers);
        Assert.Equal(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, conv1.EmitsRows && conv2.TakesLanes);
        var samples = Enumerable.Range(0, batch * input.Size).Select(_ => (float)random.Next(256)).ToArray();
        var logits = new float[batch * model.Classes];
        var workspace = model.CreateWorkspace();
        model.Logits(samples, logits, workspace);
        var distinct = new HashSet<string>();
        for (var s = 0; s < batch; s++)
        {
            var codes = new float[input.Size];
            input.Encode(samples.AsSpan(s * input.Size, input.Size), codes);
            var pooled = new float[pool1.OutputSize];
            pool1.Forward(Run(conv1, codes, ConvPath.Reference), pooled, vectors: false);
            var values = Run(conv2, pooled, ConvPath.Reference);
            if (pool2 > 0)
            {
                var next = new float[features];
                ((MaxPoolLayer)layers[3]).Forward(values, next, vectors: false);
                values = next;
            }
            distinct.Add(string.Join(",", values));
            var expected = new float[model.Classes];
            dense.Forward(values, expected, new ulong[dense.ScratchWords]);
            Assert.Equal(expected, logits.AsSpan(s * model.Classes, model.Classes).ToArray());
            Assert.Equal(expected, model.Logits(samples.AsSpan(s * input.Size, input.Size), workspace).ToArray());
        }
        Assert.True(distinct.Count > batch * 3 / 4, $"{distinct.Count} distinct of {batch}");
    }
}
