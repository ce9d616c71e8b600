using System.Buffers.Binary;
using Qnn.Tests.Support;
using Xunit;
using static Qnn.Engine.Tests.QnnxBytes;

namespace Qnn.Engine.Tests;

/// <summary>Average pooling (format version 6): each output is its window's sum, codes, ±1 and
/// integer levels become integer values the next layer divides, and the reader refuses it in
/// older files and where sums pass float32's exact integers.</summary>
public class AveragePoolTests
{
    [Fact]
    public void Each_output_is_its_windows_sum()
    {
        var layer = new AveragePoolLayer("pool", new[] { 2, 4, 5 }, 2);
        Assert.Equal(2 * 2 * 2, layer.OutputSize);
        Assert.Equal(4, layer.Window);
        var input = Enumerable.Range(0, 40).Select(i => (float)i).ToArray();
        var output = new float[layer.OutputSize];
        layer.Forward(input, output, Span<ulong>.Empty);
        // Channel 0, rows 0–1, columns 0–1: 0 + 1 + 5 + 6; the fifth column is dropped (floor).
        Assert.Equal(new[] { 12f, 20f, 52f, 60f, 92f, 100f, 132f, 140f }, output);
    }

    [Fact]
    public void Pooled_models_round_trip_with_the_same_logits_and_integer_values_between_layers()
    {
        foreach (var model in new[] { PooledEngineModels.Codes(), PooledEngineModels.SignsAndReals() })
        {
            var bytes = Of(model);
            Assert.Equal(bytes.Length, Qnn.Engine.Format.QnnxSizes.Of(model));
            var back = Read(bytes);
            Assert.Equal(bytes, Of(back));
            var random = new Random(4);
            var (w1, w2) = (model.CreateWorkspace(), back.CreateWorkspace());
            for (var s = 0; s < 50; s++)
            {
                var sample = Enumerable.Range(0, model.Input.Size).Select(_ => (float)random.NextDouble()).ToArray();
                Assert.Equal(model.Logits(sample, w1).ToArray(), back.Logits(sample, w2).ToArray());
            }
        }
        // The codes' sums: the first pooling of the 4-bit input gives integers 0..60.
        var model4 = PooledEngineModels.Codes();
        var (codes, sums) = (new float[64], new float[16]);
        model4.Input.Encode(Enumerable.Range(0, 64).Select(i => i % 2 == 0 ? 1f : 0.5f).ToArray(), codes);
        model4.Layers[0].Forward(codes, sums, Span<ulong>.Empty);
        Assert.All(sums, v => Assert.Equal(2 * 15f + 2 * 8f, v));    // codes 15 and round(7.5) = 8
    }

    [Fact]
    public void A_version_5_file_may_not_hold_an_average_pooling()
    {
        var bytes = Of(PooledEngineModels.Codes());
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 5);
        Assert.Equal("layer 0 (pool0): AveragePool layers need format version 6; the file says 5", Refusal(Reseal(bytes)));
    }

    [Fact]
    public void Window_sums_past_float32s_exact_integers_are_refused()
    {
        // 8-bit codes (255) summed over a 512 × 512 window: 255 · 2^18 > 2^24.
        var input = new InputStage(new[] { 1, 512, 512 }, new[] { 0f }, new[] { 1f }, new[] { 8 });
        var pool = new AveragePoolLayer("pool0", new[] { 1, 512, 512 }, 512);
        var fc = new GeneralDenseLayer("fc1", 1, LayerWeights.Integer(2, new[] { 1, -1 }), true, null, null,
            LayerOutput.Logits(new[] { 1f, 1f }, new[] { 0f, 0f }, 1f));
        var error = Assert.Throws<ArgumentException>(() => Qnn.Engine.Format.QnnxFormat.Write(new EngineModel("Wide", input, new EngineLayer[] { pool, fc }), new MemoryStream()));
        Assert.Contains("layer 0 (pool0): window sums reach 66846720, past 2^24", error.Message);
    }
}
