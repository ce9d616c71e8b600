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

    [Theory]
    [InlineData(2, 1001)]   // chunks of 256 taken as threads come free, the last one partial
    [InlineData(3, 700)]
    [InlineData(2, 100)]    // fewer samples than a chunk: one thread
    public void Threads_give_what_one_thread_gives(int threads, int count)
    {
        foreach (var (name, model) in QnnxTestModels.All())
        {
            var random = new Random(count);
            var samples = Enumerable.Range(0, count * model.Input.Size).Select(_ => (float)(random.NextDouble() * 300 - 20)).ToArray();
            var (one, many) = (new int[count], new int[count]);
            model.Predict(samples, one, model.CreateWorkspace());
            var workspaces = ParallelBatch.CreateWorkspaces(model, threads);
            for (var pass = 0; pass < 2; pass++)                  // the workspaces reused
            {
                Array.Fill(many, -1);
                ParallelBatch.Predict(model, samples, many, workspaces);
                Assert.True(one.SequenceEqual(many), $"{name}, pass {pass}");
            }
            var (logitsOne, logitsMany) = (new float[count * model.Classes], new float[count * model.Classes]);
            model.Logits(samples, logitsOne, model.CreateWorkspace());
            ParallelBatch.Logits(model, samples, logitsMany, threads);
            Assert.True(logitsOne.SequenceEqual(logitsMany), name);
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
