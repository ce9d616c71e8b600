using System.Buffers.Binary;
using Qnn.Engine.Format;
using Xunit;
using static Qnn.Engine.Tests.QnnxBytes;

namespace Qnn.Engine.Tests;

/// <summary>Requantized outputs (format version 6): the code is the count of the derived
/// thresholds that fire for every z, at the edges of int32 too; the file round-trips; the reader
/// names broken fields.</summary>
public class RequantizationTests
{
    [Theory]
    [InlineData(255, 1000)]
    [InlineData(15, 50)]
    [InlineData(3, 5)]
    public void The_code_is_the_number_of_derived_thresholds_that_fire(int top, int spread)
    {
        var r = Qnn.Tests.Support.PooledEngineModels.Requantization(new Random(top), 30, top, spread);
        var boundaries = r.Boundaries();
        var range = spread * 4;
        for (var j = 0; j < r.Count; j++)
            for (var z = -range; z <= range; z++)
                Assert.Equal(Fired(boundaries, j, top, z), r.Code(j, z));
    }

    [Fact]
    public void Edges_of_int32_agree_with_the_thresholds()
    {
        // A tiny slope (top only past 2^32 steps), a steep one (several codes a step), a base at
        // int.MinValue, a falling output whose base is beyond every z, a constant, the widest product.
        var r = new Requantization(255,
            new[] { int.MinValue, 0, int.MinValue, int.MaxValue, -5, int.MinValue },
            new[] { false, false, true, true, false, false },
            new[] { 3u, (uint)int.MaxValue, 1u << 20, 7u, 0u, (uint)int.MaxValue },
            new[] { 1UL << 30, 1UL << 20, 1UL << 20, 0UL, 9UL, (ulong)long.MaxValue },
            new byte[] { 34, 29, 20, 0, 2, 55 });
        var boundaries = r.Boundaries();
        var zs = new long[] { -int.MaxValue, -int.MaxValue + 1, -70_000, -6, -5, -4, -1, 0, 1, 2, 3, 70_000, int.MaxValue - 1, int.MaxValue };
        for (var j = 0; j < r.Count; j++)
            foreach (var z in zs)
                Assert.Equal(Fired(boundaries, j, 255, (int)z), r.Code(j, z));
        Assert.Equal(4, r.Code(1, 1));        // (2^31 − 1) in units of 2^−29: 4 codes a step
        Assert.Equal(2, r.Code(4, 100));      // constant: 9 >> 2
        Assert.Equal(0, r.Code(4, -6));       // below the base
        Assert.Equal(255, r.Code(5, int.MaxValue));   // (2^32 − 1)(2^31 − 1) + 2^63 − 1 < 2^64
    }

    [Fact]
    public void Wide_shifts_tops_multipliers_and_offsets_are_refused()
    {
        Assert.Contains("shifts by 56", Refused(15, 1u, 0UL, 56));
        Assert.Contains("top code 256", Refused(256, 1u, 0UL, 0));
        Assert.Contains("too large", Refused(15, 1u << 31, 0UL, 0));
        Assert.Contains("too large", Refused(15, 1u, 1UL << 63, 0));
    }

    private static string Refused(int top, uint multiplier, ulong offset, byte shift) =>
        Assert.Throws<ArgumentException>(() => new Requantization(top, new[] { 0 }, new[] { false }, new[] { multiplier }, new[] { offset }, new[] { shift })).Message;

    [Fact]
    public void A_requantized_model_round_trips_and_is_smaller_than_its_thresholds()
    {
        var model = QnnxTestModels.RequantizedMlp();
        var bytes = Of(model);
        Assert.Equal(QnnxFormat.Version, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(bytes.Length, QnnxSizes.Of(model));
        var back = Read(bytes);
        Assert.Equal(bytes, Of(back));
        var thresholds = new EngineModel("Thresholds", model.Input, model.Layers.Select(AsThresholds).ToArray());
        Assert.True(Of(thresholds).Length > 4 * bytes.Length, $"{Of(thresholds).Length} vs {bytes.Length}");
        var random = new Random(5);
        var (w1, w2, w3) = (model.CreateWorkspace(), back.CreateWorkspace(), thresholds.CreateWorkspace());
        for (var s = 0; s < 200; s++)
        {
            var sample = Enumerable.Range(0, model.Input.Size).Select(_ => (float)random.NextDouble()).ToArray();
            var logits = model.Logits(sample, w1).ToArray();
            Assert.Equal(logits, back.Logits(sample, w2).ToArray());
            Assert.Equal(logits, thresholds.Logits(sample, w3).ToArray());
        }
    }

    [Fact]
    public void A_version_5_file_may_not_hold_a_requantized_output()
    {
        var bytes = Of(QnnxTestModels.RequantizedMlp());
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 5);
        Assert.Equal("layer 0 (fc1): output kind 5 needs format version 6; the file says 5", Refusal(Reseal(bytes)));
    }

    [Fact]
    public void Broken_requantization_fields_are_named()
    {
        var bytes = Of(QnnxTestModels.RequantizedMlp());
        // fc1's output follows its ten multipliers and opens: u8 kind 5, i32 count, u8 top, f32 values[256].
        var output = IndexAfter(bytes, "fc1") + 4 + 1 + 40;
        Assert.Equal(5, bytes[output]);
        var first = output + 1 + 4 + 1 + 4 * 256;
        Assert.Contains("layer 0 (fc1): output 0's direction 2", Refusal(Reseal(With(bytes, first + 4, 2))));
        Assert.Contains("layer 0 (fc1): requantization: output 0 shifts by 60", Refusal(Reseal(With(bytes, first + 17, 60))));
        Assert.Contains("layer 0 (fc1): top code 0", Refusal(Reseal(With(bytes, output + 5, 0))));
    }

    private static byte[] With(byte[] bytes, int at, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] = value;
        return copy;
    }

    /// <summary>The index just past the first occurrence of a layer's name in the file.</summary>
    private static int IndexAfter(byte[] bytes, string name)
    {
        var pattern = System.Text.Encoding.UTF8.GetBytes(name);
        return bytes.AsSpan().IndexOf(pattern) + pattern.Length;
    }

    private static int Fired(SignThreshold[] boundaries, int j, int top, int z) =>
        Enumerable.Range(0, top).Count(s => boundaries[j * top + s].Fires(z));

    /// <summary>The same layer with its requantized output given as plain thresholds.</summary>
    private static EngineLayer AsThresholds(EngineLayer layer) => layer switch
    {
        BinaryDenseLayer d when d.Output.Requantization is not null =>
            new BinaryDenseLayer(d.Name, d.InputSize, d.PackedWeights.ToArray(), d.CodeMultipliers, LayerOutput.Levels(d.Output.LevelBoundaries!, d.Output.Steps, d.Output.LevelValues!)),
        GeneralDenseLayer g when g.Output.Requantization is not null =>
            new GeneralDenseLayer(g.Name, g.InputSize, g.Weights, g.IntegerSums, g.Multipliers, g.Divisors, LayerOutput.Levels(g.Output.LevelBoundaries!, g.Output.Steps, g.Output.LevelValues!)),
        _ => layer,
    };
}
