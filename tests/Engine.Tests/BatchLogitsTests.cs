using Xunit;

namespace Qnn.Engine.Tests;

/// <summary>A batch's logits, a block at a time, against one sample at a time.</summary>
public class BatchLogitsTests
{
    [Fact]
    public void Batch_logits_equal_each_samples_logits_and_argmax_to_predict()
    {
        foreach (var (name, model) in QnnxTestModels.All())
        {
            // More than two blocks, the last one partial.
            var count = 2 * EngineModel.BatchBlock + 5;
            var random = new Random(9);
            var samples = Enumerable.Range(0, count * model.Input.Size).Select(_ => (float)(random.NextDouble() * 300 - 20)).ToArray();
            var logits = new float[count * model.Classes];
            var workspace = model.CreateWorkspace();
            model.Logits(samples, logits, workspace);
            var classes = new int[count];
            model.Predict(samples, classes, workspace);
            var one = model.CreateWorkspace();
            for (var s = 0; s < count; s++)
            {
                var expected = model.Logits(samples.AsSpan(s * model.Input.Size, model.Input.Size), one).ToArray();
                Assert.True(expected.SequenceEqual(logits.AsSpan(s * model.Classes, model.Classes).ToArray()), $"{name}: sample {s}");
                Assert.Equal(Array.IndexOf(expected, expected.Max()), classes[s]);
            }
        }
    }

    [Fact]
    public void Batch_logits_refuse_mismatched_lengths()
    {
        var model = QnnxTestModels.BinaryMlp();
        var e = Assert.Throws<ArgumentException>(() => model.Logits(new float[2 * 12], new float[3 * 3], model.CreateWorkspace()));
        Assert.Equal("3 samples of 12 values need 36 values, got 24", e.Message);
        Assert.Throws<ArgumentException>(() => model.Logits(new float[2 * 12], new float[7], model.CreateWorkspace()));
    }
}
