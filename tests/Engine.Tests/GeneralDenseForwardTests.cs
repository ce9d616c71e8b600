using Xunit;

namespace Qnn.Engine.Tests;

/// <summary>The general dense layer's int32 vector sums against the exact long sums, z = Σ (long)x·m·q,
/// on inputs it takes (small integers, fractions) and ones it must leave to the long path (NaN,
/// beyond 2^24, sums beyond int32).</summary>
public class GeneralDenseForwardTests
{
    private static float[] Expected(GeneralDenseLayer layer, float[] input)
    {
        var q = layer.Weights.Integers!;
        var n = layer.InputSize;
        var output = new float[layer.OutputSize];
        for (var j = 0; j < output.Length; j++)
        {
            long z = 0;
            for (var i = 0; i < n; i++)
                z += (long)input[i] * (layer.Multipliers?[i] ?? 1) * q[j * n + i];
            output[j] = layer.Output.Apply(j, z);
        }
        return output;
    }

    [Theory]
    [InlineData(37, 11, 8, false)]
    [InlineData(6, 32, 4, true)]
    [InlineData(64, 9, 16, false)]
    public void Int32_sums_equal_the_long_sums(int inputs, int outputs, int bits, bool withMultipliers)
    {
        var random = new Random(inputs + outputs + bits);
        var top = (1 << (bits - 1)) - 1;
        var weights = LayerWeights.Integer(bits, Enumerable.Range(0, inputs * outputs).Select(_ => random.Next(-top, top + 1)).ToArray());
        var multipliers = withMultipliers ? Enumerable.Range(0, inputs).Select(i => i % 2 == 0 ? 1 : 257).ToArray() : null;
        var alpha = Enumerable.Range(0, outputs).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var beta = Enumerable.Range(0, outputs).Select(_ => (float)random.NextDouble()).ToArray();
        var layer = new GeneralDenseLayer("fc", inputs, weights, true, multipliers, null, LayerOutput.Logits(alpha, beta, 0.5f));
        var inputsToTry = new List<float[]>
        {
            Enumerable.Range(0, inputs).Select(_ => (float)random.Next(-3, 4)).ToArray(),
            Enumerable.Range(0, inputs).Select(_ => (float)(random.NextDouble() * 600 - 300)).ToArray(),   // fractions truncate
            Enumerable.Range(0, inputs).Select(_ => (float)random.Next(0, 65536)).ToArray(),
            Enumerable.Range(0, inputs).Select(i => i == 1 ? float.NaN : 2f).ToArray(),
            Enumerable.Range(0, inputs).Select(i => i == 0 ? 3e7f : 1f).ToArray(),
            Enumerable.Range(0, inputs).Select(i => i % 3 == 0 ? 1e6f : -1e6f).ToArray(),   // sums beyond int32
        };
        foreach (var input in inputsToTry)
        {
            var output = new float[outputs];
            layer.Forward(input, output, Span<ulong>.Empty);
            Assert.Equal(Expected(layer, input), output);
        }
    }
}
