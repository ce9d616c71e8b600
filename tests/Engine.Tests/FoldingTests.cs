using Xunit;
using Qnn.Engine.Kernels;

namespace Qnn.Engine.Tests;

public class FoldingTests
{
    /// <summary>BatchNorm then sign in double precision, sign(0) = +1.</summary>
    private static bool Reference(int z, double gamma, double beta, double mean, double variance, double epsilon) =>
        gamma * (z - mean) / Math.Sqrt(variance + epsilon) + beta >= 0;

    [Theory]
    [InlineData(1.5, 0.3, 2.25, 4.0, 1e-5)]
    [InlineData(-0.8, 0.3, 2.25, 4.0, 1e-5)]     // negative scale: the comparison flips
    [InlineData(-2.0, -1.0, -7.5, 0.5, 1e-5)]
    [InlineData(0.01, 5.0, 0.0, 1.0, 1e-5)]       // threshold far outside the reachable range
    [InlineData(2.0, 0.0, 3.0, 1.0, 1e-5)]        // boundary exactly on an integer: z = 3 fires
    [InlineData(-2.0, 0.0, 3.0, 1.0, 1e-5)]       // … and with the flip too
    [InlineData(0.0, 0.5, 1.0, 1.0, 1e-5)]        // γ = 0: always sign(β)
    [InlineData(0.0, -0.5, 1.0, 1.0, 1e-5)]
    public void A_folded_threshold_fires_exactly_where_batchnorm_then_sign_is_plus_one(double gamma, double beta, double mean, double variance, double epsilon)
    {
        var threshold = SignThreshold.Fold(gamma, beta, mean, variance, epsilon);
        for (var z = -64; z <= 64; z++)
            Assert.True(Reference(z, gamma, beta, mean, variance, epsilon) == threshold.Fires(z), $"z = {z}: {threshold}");
    }

    [Fact]
    public void Random_batchnorms_fold_exactly()
    {
        var random = new Random(3);
        for (var trial = 0; trial < 2000; trial++)
        {
            var gamma = random.NextDouble() * 4 - 2;
            var beta = random.NextDouble() * 4 - 2;
            var mean = random.NextDouble() * 40 - 20;
            var variance = random.NextDouble() * 30 + 0.01;
            var threshold = SignThreshold.Fold(gamma, beta, mean, variance, 1e-5);
            for (var z = -50; z <= 50; z++)
                Assert.True(Reference(z, gamma, beta, mean, variance, 1e-5) == threshold.Fires(z), $"trial {trial}, z = {z}");
        }
    }

    [Fact]
    public void A_binary_dense_layer_matches_the_float_computation()
    {
        var random = new Random(9);
        const int inputs = 130, outputs = 70;
        var weights = Enumerable.Range(0, outputs).Select(_ => Enumerable.Range(0, inputs).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray()).ToArray();
        var norms = Enumerable.Range(0, outputs).Select(_ => (Gamma: random.NextDouble() * 2 - 1, Beta: random.NextDouble() - 0.5, Mean: random.NextDouble() * 10 - 5, Variance: random.NextDouble() * 50 + 1)).ToArray();
        var layer = new BinaryDenseLayer("fc", inputs,
            weights.SelectMany(row => BitPacking.PackSigns(row)).ToArray(), null,
            LayerOutput.Signs(norms.Select(b => SignThreshold.Fold(b.Gamma, b.Beta, b.Mean, b.Variance, 1e-5)).ToArray()));
        var output = new float[outputs];
        var scratch = new ulong[layer.ScratchWords];
        for (var sample = 0; sample < 50; sample++)
        {
            var x = Enumerable.Range(0, inputs).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray();
            layer.Forward(x, output, scratch);
            for (var j = 0; j < outputs; j++)
            {
                var z = (int)weights[j].Zip(x, (w, v) => w * v).Sum();
                var b = norms[j];
                Assert.Equal(Reference(z, b.Gamma, b.Beta, b.Mean, b.Variance, 1e-5) ? 1f : -1f, output[j]);
            }
        }
    }
}
