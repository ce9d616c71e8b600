using System.Buffers.Binary;
using Qnn.Engine.Format;
using Xunit;
using static Qnn.Engine.Tests.QnnxBytes;

namespace Qnn.Engine.Tests;

/// <summary>Format version 5: the general layers, value pooling, levels and activated outputs and
/// packed weights round-trip, compute what they say, and the reader names every broken field.</summary>
public class QnnxVersion5Tests
{
    public static TheoryData<string> NewModels() => new() { "general MLP", "old kernels, new outputs", "general CNN" };

    private static EngineModel Model(string name) => QnnxTestModels.All().Single(m => m.Name == name).Model;

    [Theory]
    [MemberData(nameof(NewModels))]
    public void Models_with_the_new_kinds_round_trip_with_the_same_logits(string name)
    {
        var model = Model(name);
        var bytes = Of(model);
        Assert.Equal(QnnxFormat.Version, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        var back = Read(bytes);
        Assert.Equal(bytes, Of(back));
        var random = new Random(3);
        var (w1, w2) = (model.CreateWorkspace(), back.CreateWorkspace());
        for (var s = 0; s < 20; s++)
        {
            var sample = Enumerable.Range(0, model.Input.Size).Select(_ => (float)random.NextDouble() * 6 - 3).ToArray();
            Assert.Equal(model.Logits(sample, w1).ToArray(), back.Logits(sample, w2).ToArray());
        }
    }

    [Fact]
    public void A_version_4_file_may_not_hold_a_version_5_kind()
    {
        var bytes = Of(Model("general CNN"));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 4);
        Assert.Equal("layer 0 (conv1): GeneralConv layers need format version 5; the file says 4", Refusal(Reseal(bytes)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(12)]
    [InlineData(24)]
    [InlineData(25)]
    [InlineData(31)]
    public void Integer_weights_pack_to_their_width_and_unpack_the_same(int bits)
    {
        var top = LayerWeights.Top(bits);
        var random = new Random(bits);
        var q = Enumerable.Range(0, 101).Select(i => bits == 1 ? (i % 3 == 0 ? 1 : -1) : i == 0 ? top : i == 1 ? -top : (int)random.NextInt64(-top, (long)top + 1)).ToArray();
        var packed = LayerWeights.Integer(bits, q).Packed();
        // Above 24 bits a weight takes one bit more (the top is 2^(bits−1) there).
        Assert.Equal((101 * (bits > 24 ? bits + 1 : bits) + 7) / 8, packed.Length);
        Assert.Equal(q, LayerWeights.Unpack(packed, bits, 101, out var bad));
        Assert.Equal(-1, bad);
        if (bits > 1)
        {
            // All ones is beyond 2·top: outside the range.
            LayerWeights.Unpack(Enumerable.Repeat((byte)0xFF, packed.Length).ToArray(), bits, 101, out bad);
            Assert.Equal(0, bad);
        }
    }

    [Fact]
    public void Levels_count_the_thresholds_that_fire_and_activated_outputs_compute_in_float()
    {
        // Output 0 rises (levels at z >= -3 and z >= 4), output 1 falls (z <= 10, z <= 2).
        var levels = LayerOutput.Levels(new[]
        {
            new SignThreshold(-3, ThresholdDirection.AtLeast), new SignThreshold(4, ThresholdDirection.AtLeast),
            new SignThreshold(10, ThresholdDirection.AtMost), new SignThreshold(2, ThresholdDirection.AtMost),
        }, 2, new[] { -1f, 0f, 1f });
        Assert.Equal(new[] { -1f, 0f, 0f, 1f }, new long[] { -4, -3, 3, 4 }.Select(z => levels.Apply(0, z)));
        Assert.Equal(new[] { 1f, 0f, 0f, -1f }, new long[] { 2, 3, 10, 11 }.Select(z => levels.Apply(1, z)));
        Assert.Throws<InvalidOperationException>(() => levels.ApplyReal(0, 1f));
        var relu = LayerOutput.Activated(new[] { 2f }, new[] { -1f }, 0.5f, OutputActivation.Relu, 0);
        Assert.Equal(new[] { 0f, 0f, 1f }, new long[] { -3, 1, 2 }.Select(z => relu.Apply(0, z)));
        var ternary = LayerOutput.Activated(new[] { 1f }, new[] { 0f }, 1f, OutputActivation.Ternary, 0.5f);
        Assert.Equal(new[] { -1f, 0f, 0f, 1f }, new[] { -0.6f, -0.5f, 0.5f, 0.6f }.Select(x => ternary.ApplyReal(0, x)));
        var doReFa = LayerOutput.Activated(new[] { 1f }, new[] { 0f }, 1f, OutputActivation.DoReFa, 3);
        Assert.Equal(new[] { 0f, 1f, 2f, 3f, 3f }, new[] { -1f, 0.2f, 0.6f, 0.9f, 7f }.Select(x => doReFa.ApplyReal(0, x)));
        var sign = LayerOutput.Activated(new[] { 1f }, new[] { 0f }, 1f, OutputActivation.Sign, 0);
        Assert.Equal(new[] { -1f, 1f }, new[] { -0.1f, 0f }.Select(x => sign.ApplyReal(0, x)));
    }

    [Fact]
    public void Unrounded_inputs_pass_as_their_position_in_the_range()
    {
        var stage = new InputStage(new[] { 2 }, new[] { 0f, 0f }, new[] { 4f, 4f }, new[] { 2, 32 });
        var codes = new float[2];
        stage.Encode(new[] { 1.1f, 1.1f }, codes);
        Assert.Equal(new[] { 1f, 1.1f / 4f }, codes);
        Assert.False(stage.AllCodes);
    }

    /// <summary>Edits one byte of a field and expects the refusal to name it.</summary>
    private static void AssertRefused(string model, string marker, int offset, byte value, string expected)
    {
        var bytes = Of(Model(model));
        var name = System.Text.Encoding.UTF8.GetBytes(marker);
        var at = bytes.AsSpan().IndexOf(name) + name.Length + offset;
        bytes[at] = value;
        Assert.Contains(expected, Refusal(Reseal(bytes)));
    }

    [Fact]
    public void Broken_version_5_fields_are_named()
    {
        // general dense: i32 inputs, i32 outputs, u8 sums, u8 flag… after the name "fc2".
        AssertRefused("general MLP", "fc2", 8, 7, "layer 1 (fc2): sums mode 7; expected 0 (integer) or 1 (real)");
        AssertRefused("general MLP", "fc2", 9, 2, "layer 1 (fc2): multipliers flag 2");
        // fc2's output: kind 3, i32 count, u8 steps.
        AssertRefused("general MLP", "fc2", 10, 9, "layer 1 (fc2): unknown output kind 9");
        AssertRefused("general MLP", "fc2", 15, 0, "layer 1 (fc2): 0 thresholds per output");
        // fc1 on the real 30-bit input may not sum integers.
        AssertRefused("general MLP", "fc1", 8, 0, "layer 0 (fc1): integer sums on real-valued inputs");
        // fc1's output: kind 4 after the divisors (6 floats): i32 count, f32 scale, u8 activation.
        AssertRefused("general MLP", "fc1", 10 + 24 + 1 + 4 + 4, 9, "layer 0 (fc1): unknown activation 9");
        // conv2 (general, real sums): its divisor follows the nine geometry fields and the sums byte.
        AssertRefused("general CNN", "conv2", 36 + 1 + 3, 0xFF, "layer 2 (conv2): divisor -Infinity; it must be finite and positive");
        AssertRefused("general CNN", "conv1", 36, 1, "layer 0 (conv1): conv1: real sums take logits or an activated output, not folded thresholds");
    }
}
