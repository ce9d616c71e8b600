namespace Qnn.Engine;

/// <summary>
/// A batch split over threads: the samples fall into <c>threads</c> contiguous chunks, each run
/// by <see cref="EngineModel"/>'s block path with its own <see cref="Workspace"/>. Every sample's
/// result is what one thread gives (a sample's logits never depend on its neighbours).
/// </summary>
public static class ParallelBatch
{
    /// <summary>The logits of every sample (<see cref="EngineModel.Classes"/> per sample) into <paramref name="logits"/>.</summary>
    public static void Logits(EngineModel model, float[] samples, float[] logits, int threads)
    {
        var count = logits.Length / Math.Max(1, model.Classes);
        Split(model, samples, count, threads, (start, n, workspace) =>
            model.Logits(samples.AsSpan(start * model.Input.Size, n * model.Input.Size), logits.AsSpan(start * model.Classes, n * model.Classes), workspace));
    }

    /// <summary>The predicted class of every sample into <paramref name="classes"/>.</summary>
    public static void Predict(EngineModel model, float[] samples, int[] classes, int threads) =>
        Split(model, samples, classes.Length, threads, (start, n, workspace) =>
            model.Predict(samples.AsSpan(start * model.Input.Size, n * model.Input.Size), classes.AsSpan(start, n), workspace));

    private static void Split(EngineModel model, float[] samples, int count, int threads, Action<int, int, Workspace> run)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (samples.Length != (long)count * model.Input.Size)
            throw new ArgumentException($"{count} samples of {model.Input.Size} values need {(long)count * model.Input.Size} values, got {samples.Length}");
        var chunks = Math.Max(1, Math.Min(threads, count));
        if (chunks == 1)
        {
            run(0, count, model.CreateWorkspace());
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, chunk =>
        {
            var start = (int)((long)count * chunk / chunks);
            var end = (int)((long)count * (chunk + 1) / chunks);
            run(start, end - start, model.CreateWorkspace());
        });
    }
}
