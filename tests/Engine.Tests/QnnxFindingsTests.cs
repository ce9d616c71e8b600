using Xunit;
using static Qnn.Engine.Tests.QnnxBytes;
using Qnn.Engine.Format;
using Qnn.Engine.Kernels;

namespace Qnn.Engine.Tests;

/// <summary>
/// One crafted file per finding of "never trust a file's numbers": each carries a valid checksum
/// (as a forger's would), so only the reader's checks of meaning can refuse it, and each must be
/// refused as a <see cref="QnnxFormatException"/> naming the field.
/// </summary>
public class QnnxFindingsTests
{
    [Fact]
    public void A_layer_count_of_0xFFFFFFFF_is_refused_by_its_limit()
    {
        var file = Crafted(w =>
        {
            Input(w, new[] { 4 });
            w.Write(0xFFFF_FFFFu);
        });
        Assert.Equal("header: layer count 4294967295 exceeds 65536", Refusal(file));
    }

    [Fact]
    public void More_layers_than_the_bytes_left_can_hold_are_refused_before_reading_them()
    {
        var file = Crafted(w =>
        {
            Input(w, new[] { 4 });
            w.Write(60_000u);
        });
        Assert.Contains("header: layers: 60000 entries of 19 bytes do not fit", Refusal(file));
    }

    private static byte[] OneRange(float low, float high) => Crafted(w =>
    {
        Input(w, new[] { 2 }, low, high);
        w.Write(1u);
        w.Write((byte)LayerKind.BinaryDense);
        Name(w, "fc1");
        w.Write(2);
        w.Write((byte)0);
        Logits(w, 2);
        Words(w, 2);
    });

    [Fact]
    public void An_input_range_with_low_above_high_is_refused()
    {
        Assert.Equal("input: range 0: low 3 exceeds high 1", Refusal(OneRange(3, 1)));
    }

    [Fact]
    public void A_constant_feature_with_low_equal_to_high_still_loads()
    {
        var model = Read(OneRange(2, 2));
        Assert.Equal(2f, model.Input.Low[0]);
        Assert.Equal(2f, model.Input.High[0]);
    }

    [Theory]
    [InlineData(float.NaN, 1f, "low end 0 is NaN")]
    [InlineData(0f, float.NaN, "high end 0 is NaN")]
    [InlineData(float.NegativeInfinity, 1f, "low end 0 is -Infinity")]
    [InlineData(0f, float.PositiveInfinity, "high end 0 is Infinity")]
    public void Input_ranges_that_are_not_finite_are_refused(float low, float high, string message)
    {
        Assert.Equal($"input: {message}; it must be finite", Refusal(OneRange(low, high)));
    }

    private static byte[] Multiplier(int multiplier) => Crafted(w =>
    {
        Input(w, new[] { 2 });
        w.Write(1u);
        w.Write((byte)LayerKind.BinaryDense);
        Name(w, "fc1");
        w.Write(2);
        w.Write((byte)1);
        w.Write(1);
        w.Write(multiplier);
        Thresholds(w, 2);
        Words(w, 2);
    });

    [Fact]
    public void A_code_multiplier_of_2_to_the_31_is_refused()
    {
        // 2^31 does not fit an i32: its bytes read back as int.MinValue.
        Assert.Equal("layer 0 (fc1): code multiplier 1 is -2147483648; it must be at least 1", Refusal(Multiplier(unchecked((int)(1u << 31)))));
    }

    [Fact]
    public void A_code_multiplier_whose_sums_overflow_int32_is_refused_and_one_that_fits_predicts()
    {
        // 8-bit codes (up to 255) × 2^24 overflow an int32 sum; × 2^20 twice fits.
        Assert.Contains("layer 0 (fc1): its integer sums can reach past 2147483647 (input 1: code multiplier 16777216, largest input 255",
            Refusal(Multiplier(1 << 24)));
        var model = Read(Multiplier(1 << 20));
        var workspace = model.CreateWorkspace();
        // Codes 255 and 128: z = 255 - 128·2^20 < 0 fires neither AtLeast-0 threshold (without the multiplier it would).
        Assert.Equal(new[] { -1f, -1f }, model.Logits(new[] { 1f, 0.5f }, workspace).ToArray());
        Assert.Equal(new[] { 1f, 1f }, model.Logits(new[] { 1f, 0f }, workspace).ToArray());
    }

    private static byte[] Pool(int channels, int height, int width) => Crafted(w =>
    {
        Input(w, new[] { 1, 2, 3 });
        w.Write(1u);
        w.Write((byte)LayerKind.MaxPool);
        Name(w, "pool1");
        foreach (var v in new[] { channels, height, width, 2 }) w.Write(v);
    });

    [Fact]
    public void A_max_pool_shape_whose_product_wraps_in_int32_is_refused()
    {
        // 6 × 3 × 715,827,883 = 3·2^32 + 6: it wraps to the input's 6 values in int32 arithmetic.
        Assert.Equal(6, unchecked(6 * 3 * 715_827_883));
        Assert.Equal("layer 0 (pool1): width 715827883 exceeds 16777216", Refusal(Pool(6, 3, 715_827_883)));
        // Dimensions each within the limit whose product wraps (to 0) are refused by the product.
        Assert.Equal(0, unchecked(4096 * 4096 * 256));
        Assert.Equal("layer 0 (pool1): input shape 4096×4096×256 exceeds 16777216 values", Refusal(Pool(4096, 4096, 256)));
        Assert.Equal("layer 0 (pool1): takes 12 values but receives 6", Refusal(Pool(2, 2, 3)));
        Assert.Equal(6, Read(Pool(1, 2, 3)).Layers[0].InputSize);
    }

    [Fact]
    public void Activations_past_the_model_limit_are_refused_though_each_layer_fits()
    {
        // An input of 2^24 values and two max-pools of window 1: three times 2^24 values a sample.
        var file = Crafted(w =>
        {
            Input(w, new[] { 1, 4096, 4096 });
            w.Write(2u);
            foreach (var name in new[] { "pool1", "pool2" })
            {
                w.Write((byte)LayerKind.MaxPool);
                Name(w, name);
                foreach (var v in new[] { 1, 4096, 4096, 1 }) w.Write(v);
            }
        });
        Assert.True(file.Length < 120, $"{file.Length} bytes");
        Assert.Equal("layer 1 (pool2): the model's activations reach 50331648 values, past 33554432", Refusal(file));
    }

    private static byte[] Conv(int padding, int channels = 1, int kernel = 3, int dilation = 1) => Crafted(w =>
    {
        Input(w, new[] { channels, 4, 4 });
        w.Write(1u);
        QnnxBytes.Conv(w, channels, 4, 4, 2, kernel, 1, padding, dilation, 1);
        w.Write((byte)1);
        Thresholds(w, 2);
        Words(w, 2 * BitPacking.WordsFor(channels * kernel * kernel));
    });

    [Fact]
    public void A_small_conv_with_padding_30000_is_refused()
    {
        var file = Conv(30_000);
        Assert.True(file.Length < 220, $"the crafted file has {file.Length} bytes");
        Assert.Equal("layer 0 (conv1): padding 30000 exceeds 1024", Refusal(file));
    }

    [Fact]
    public void Padding_1500_is_refused_and_padding_within_the_limit_but_too_wide_an_image_is_too()
    {
        Assert.Equal("layer 0 (conv1): padding 1500 exceeds 1024", Refusal(Conv(1500)));
        Assert.Equal("layer 0 (conv1): the zero-padded input (8×2052×2052) exceeds 16777216 values", Refusal(Conv(1024, channels: 8)));
        var wide = Read(Conv(1024));
        Assert.Equal(2050 * 2050 * 2, wide.Layers[0].OutputSize);
    }

    [Fact]
    public void A_kernel_that_reaches_past_the_padded_input_is_refused()
    {
        Assert.Equal("layer 0 (conv1): the kernel reaches 9 pixels (kernel 3, dilation 4), beyond the padded 6×6 input: no output",
            Refusal(Conv(1, dilation: 4)));
        Assert.Equal("layer 0 (conv1): kernel 65 exceeds 64", Refusal(Conv(0, kernel: 65)));
    }

    [Fact]
    public void Flipped_weight_bytes_are_caught_by_the_checksum()
    {
        var bytes = Of(QnnxTestModels.BinaryMlp());
        var fc2 = System.Text.Encoding.UTF8.GetBytes("fc2");
        var weights = bytes.AsSpan().LastIndexOf(fc2) + fc2.Length + 4 + 1 + 1 + 4 + 4 + 3 * 8 + 4;
        var flipped = (byte[])bytes.Clone();
        flipped[weights] ^= 0x10;
        Assert.StartsWith("checksum mismatch: the file records CRC-32C 0x", Refusal(flipped));
        // Without the checksum (resealed) the flipped file loads and predicts otherwise: what the checksum is for.
        var (model, forged) = (Read(bytes), Read(Reseal(flipped)));
        var sample = Enumerable.Range(0, 12).Select(i => (float)i / 3).ToArray();
        Assert.NotEqual(model.Logits(sample, model.CreateWorkspace()).ToArray(), forged.Logits(sample, forged.CreateWorkspace()).ToArray());
    }

    [Theory]
    [InlineData("QNNX\u0001\u0000", "the file is truncated (it ends inside the header)")]
    [InlineData("QN", "the file is truncated (it ends inside the header)")]
    [InlineData("PK\u0003\u0004", "not a .qnnx file (it does not start with QNNX)")]
    [InlineData("QNNX\u0003\u0000\u0000\u0000END!", "the file is truncated (it has no room for its end marker and checksum)")]
    [InlineData("QNNX\u0003\u0000\u0001\u0000", "header: the reserved field is 1; it must be 0")]
    public void A_short_or_foreign_header_is_named(string text, string message)
    {
        Assert.Equal(message, Refusal(System.Text.Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void The_checksum_is_the_standard_crc32c()
    {
        Assert.Equal(0xE306_9283u, QnnxFormat.Checksum("123456789"u8));
        var bytes = Of(QnnxTestModels.Cnn());
        Assert.Equal(Crc(bytes.AsSpan(0, bytes.Length - 4)), BitConverter.ToUInt32(bytes, bytes.Length - 4));
        Assert.Equal("END!"u8.ToArray(), bytes[^8..^4]);
    }

    [Fact]
    public void A_70000_character_model_name_is_refused_by_the_writer()
    {
        var model = QnnxTestModels.Cnn();
        var named = new EngineModel(new string('m', 70_000), model.Input, model.Layers);
        using var stream = new MemoryStream();
        var error = Assert.Throws<ArgumentException>(() => QnnxFormat.Write(named, stream));
        Assert.Contains("has 70000 characters; a .qnnx name holds at most 256", error.Message);
        Assert.Equal(0, stream.Length);
        var exactly = new EngineModel(new string('é', 256), model.Input, model.Layers);
        Assert.Equal(exactly.Name, Read(Of(exactly)).Name);
    }

    [Fact]
    public void A_name_past_256_characters_is_refused_by_the_reader()
    {
        var file = Crafted(w =>
        {
            Name(w, new string('n', 300));
            w.Write((byte)1);
        });
        Assert.Equal("header: the model name has 300 characters; a .qnnx name holds at most 256", Refusal(file));
    }

    [Fact]
    public void A_model_the_reader_would_refuse_is_not_written()
    {
        var wide = new SignThreshold[] { new(QnnxLimits.MaxThreshold + 1, ThresholdDirection.AtLeast) };
        var model = new EngineModel("Wide", new InputStage(new[] { 2 }, new[] { 0f }, new[] { 1f }, new[] { 1 }),
            new EngineLayer[] { new BinaryDenseLayer("fc1", 2, new[] { 1UL }, null, LayerOutput.Signs(wide)) });
        using var stream = new MemoryStream();
        var error = Assert.Throws<ArgumentException>(() => QnnxFormat.Write(model, stream));
        Assert.Contains("it would not read back): layer 0 (fc1): threshold 0 is 1073741825, beyond ±1073741824", error.Message);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void Code_inputs_past_the_first_layer_are_refused()
    {
        var model = QnnxTestModels.BinaryMlp();
        var bytes = Of(model);
        var fc2 = System.Text.Encoding.UTF8.GetBytes("fc2");
        var flag = bytes.AsSpan().LastIndexOf(fc2) + fc2.Length + 4;
        Assert.Equal(0, bytes[flag]);
        bytes[flag] = 1;
        Assert.Equal("layer 1 (fc2): declares input codes, but layer 1 receives ±1 values; only the first layer takes codes", Refusal(Reseal(bytes)));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void Version_2_and_1_files_without_a_checksum_still_load(ushort version)
    {
        var model = QnnxTestModels.Cnn();
        var old = AsVersion(model, version);
        Assert.Equal("END!"u8.ToArray(), old[^4..]);
        var back = Read(old);
        var (a, b) = (model.CreateWorkspace(), back.CreateWorkspace());
        var random = new Random(5);
        for (var s = 0; s < 10; s++)
        {
            var sample = Enumerable.Range(0, 36).Select(_ => (float)random.Next(256)).ToArray();
            Assert.Equal(model.Logits(sample, a).ToArray(), back.Logits(sample, b).ToArray());
        }
        // The meaning checks apply to old files too: one byte more after the end marker is refused.
        Assert.Equal("end: 1 bytes follow the end marker", Refusal(old.Append((byte)0).ToArray()));
    }

    [Fact]
    public void A_version_2_integer_model_loads_and_a_version_1_file_may_not_hold_integer_layers()
    {
        var model = QnnxTestModels.Integer(ternaryFirst: false);
        var bytes = Of(model);
        var back = Read(AsVersion(model, 2));
        Assert.Equal(bytes, Of(back));
        Assert.Equal("layer 0 (fc1): integer dense layers need format version 2; the file says 1", Refusal(AsVersion(model, 1)));
    }
}
