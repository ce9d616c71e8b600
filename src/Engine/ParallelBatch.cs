namespace Qnn.Engine;

/// <summary>
/// A batch split over threads: the samples fall into contiguous chunks that threads take as they
/// come free, each thread running <see cref="EngineModel"/>'s block path with its own
/// <see cref="Workspace"/>. Every sample's result is what one thread gives (a sample's logits
/// never depend on its neighbours).
/// </summary>
public static class ParallelBatch
{
    /// <summary>Samples per unit of work: whole lanes passes and blocks, few enough hand-offs.</summary>
    private const int Chunk = 256;

    /// <summary>The logits of every sample (<see cref="EngineModel.Classes"/> per sample) into <paramref name="logits"/>.</summary>
    public static void Logits(EngineModel model, float[] samples, float[] logits, int threads)
    {
        var count = logits.Length / Math.Max(1, model.Classes);
        Split(model, samples, count, threads, (start, n, workspace) =>
            model.Logits(samples.AsSpan(start * model.Input.Size, n * model.Input.Size), logits.AsSpan(start * model.Classes, n * model.Classes), workspace));
    }

    /// <summary>The predicted class of every sample into <paramref name="classes"/>.</summary>
    public static void Predict(EngineModel model, float[] samples, int[] classes, int threads) =>
        Predict(model, samples, classes, CreateWorkspaces(model, threads));

    /// <summary>The predicted class of every sample into <paramref name="classes"/>, one thread per
    /// workspace (from <see cref="CreateWorkspaces"/>): for repeated batches, whose workspaces are
    /// then made once rather than per call.</summary>
    public static void Predict(EngineModel model, float[] samples, int[] classes, IReadOnlyList<Workspace> workspaces) =>
        Split(model, samples, classes.Length, workspaces, (start, n, workspace) =>
            model.Predict(samples.AsSpan(start * model.Input.Size, n * model.Input.Size), classes.AsSpan(start, n), workspace));

    /// <summary>One workspace per thread.</summary>
    public static Workspace[] CreateWorkspaces(EngineModel model, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        return Enumerable.Range(0, threads).Select(_ => model.CreateWorkspace()).ToArray();
    }

    private static void Split(EngineModel model, float[] samples, int count, int threads, Action<int, int, Workspace> run) =>
        Split(model, samples, count, CreateWorkspaces(model, threads), run);

    private static void Split(EngineModel model, float[] samples, int count, IReadOnlyList<Workspace> workspaces, Action<int, int, Workspace> run)
    {
        var threads = workspaces.Count;
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (samples.Length != (long)count * model.Input.Size)
            throw new ArgumentException($"{count} samples of {model.Input.Size} values need {(long)count * model.Input.Size} values, got {samples.Length}");
        if (threads == 1 || count <= Chunk)
        {
            run(0, count, workspaces[0]);
            return;
        }
        // Chunks of Chunk samples taken by each thread as it comes free (not one fixed half per
        // thread): a core that is held up, by the runtime's background JIT or another process,
        // then costs only its own share. Thread t keeps workspace t for all its chunks.
        var chunks = (count + Chunk - 1) / Chunk;
        var next = -1;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread =>
        {
            for (var chunk = Interlocked.Increment(ref next); chunk < chunks; chunk = Interlocked.Increment(ref next))
            {
                var start = chunk * Chunk;
                run(start, Math.Min(Chunk, count - start), workspaces[thread]);
            }
        });
    }
}
