using Qnn.Engine.Execution;

namespace Qnn.Engine;

/// <summary>
/// A frozen network: the input quantizer as integer codes, then binary layers with folded
/// thresholds, ending in logits. Predicts one sample or a batch on one thread, allocating nothing
/// per sample (a <see cref="Workspace"/> holds every buffer).
/// </summary>
public sealed class EngineModel
{
    /// <param name="name">The model's name.</param>
    /// <param name="input">The input quantizer.</param>
    /// <param name="layers">The layers in order; the last outputs logits.</param>
    /// <param name="classNames">The classes' names, one per logit, or null (or empty) when unknown.</param>
    public EngineModel(string name, InputStage input, IReadOnlyList<EngineLayer> layers, IReadOnlyList<string>? classNames = null)
    {
        Name = name;
        Input = input;
        Layers = layers;
        var size = input.Size;
        foreach (var layer in layers)
        {
            if (layer.InputSize != size)
                throw new ArgumentException($"{layer.Name} takes {layer.InputSize} values but receives {size}");
            size = layer.OutputSize;
        }
        Classes = size;
        if (classNames is { Count: > 0 } && classNames.Count != size)
            throw new ArgumentException($"{classNames.Count} class names for a model of {size} classes");
        ClassNames = classNames is { Count: > 0 } ? classNames.ToArray() : null;
        plan = new ExecutionPlan(input, layers);
        Lanes = LaneNetwork.TryCreate(input, layers);
    }

    /// <summary>How the layers run: which of them run fused as one stage (made once).</summary>
    private readonly ExecutionPlan plan;

    /// <summary>The samples-in-lanes plan batches take when every layer is a small dense one, else null.</summary>
    internal LaneNetwork? Lanes { get; }

    /// <summary>Whether batch predictions run the whole network with samples in the SIMD lanes
    /// (every layer a small binary or integer dense one, on a CPU with 512-bit vectors).</summary>
    public bool BatchesInLanes => Lanes is not null;

    /// <summary>The model's name.</summary>
    public string Name { get; }
    /// <summary>The input quantizer.</summary>
    public InputStage Input { get; }
    /// <summary>The layers in order.</summary>
    public IReadOnlyList<EngineLayer> Layers { get; }
    /// <summary>Logits per sample.</summary>
    public int Classes { get; }
    /// <summary>The name of each class (index = logit), or null when the model does not know them.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Samples a batch prediction moves through each layer together.</summary>
    public static int BatchBlock => Workspace.Block;

    /// <summary>Buffers for one thread's predictions.</summary>
    public Workspace CreateWorkspace() => new(this);

    /// <summary>The logits of one sample (a view into the workspace, valid until its next use).</summary>
    public ReadOnlySpan<float> Logits(ReadOnlySpan<float> sample, Workspace workspace)
    {
        var activations = workspace.Activations;
        Input.Encode(sample, activations[0]);
        plan.RunSample(activations, workspace.Scratch);
        return activations[Layers.Count];
    }

    /// <summary>The predicted class of one sample: the first largest logit (as torch.argmax).</summary>
    public int Predict(ReadOnlySpan<float> sample, Workspace workspace)
    {
        return ArgMax(Logits(sample, workspace));
    }

    /// <summary>Predicts every sample of a row-major batch into <paramref name="classes"/>, a block
    /// of samples at a time through each layer (so wide layers read their weights once per block).</summary>
    public void Predict(ReadOnlySpan<float> samples, Span<int> classes, Workspace workspace)
    {
        CheckBatch(samples, classes.Length);
        ForEachBlock(samples, classes.Length, workspace, classes, static (logits, start, count, classCount, classes) =>
        {
            for (var s = 0; s < count; s++)
                classes[start + s] = ArgMax(logits.Slice(s * classCount, classCount));
        });
    }

    /// <summary>The logits of every sample of a row-major batch into <paramref name="logits"/>
    /// (<see cref="Classes"/> per sample), a block of samples at a time as
    /// <see cref="Predict(ReadOnlySpan{float}, Span{int}, Workspace)"/>; each sample's equal
    /// <see cref="Logits(ReadOnlySpan{float}, Workspace)"/>.</summary>
    public void Logits(ReadOnlySpan<float> samples, Span<float> logits, Workspace workspace)
    {
        var count = logits.Length / Math.Max(1, Classes);
        CheckBatch(samples, count);
        if (logits.Length != count * Classes)
            throw new ArgumentException($"{logits.Length} logits are not a whole number of samples of {Classes}");
        ForEachBlock(samples, count, workspace, logits, (block, start, n, classCount, into) =>
            block[..(n * classCount)].CopyTo(into[(start * classCount)..]));
    }

    private delegate void BlockResult<T>(ReadOnlySpan<float> logits, int start, int count, int classes, Span<T> results);

    private void CheckBatch(ReadOnlySpan<float> samples, int count)
    {
        if (samples.Length != (long)count * Input.Size)
            throw new ArgumentException($"{count} samples of {Input.Size} values need {(long)count * Input.Size} values, got {samples.Length}");
    }

    /// <summary>Runs a batch through the layers a block at a time, handing each block's logits on.</summary>
    private void ForEachBlock<T>(ReadOnlySpan<float> samples, int total, Workspace workspace, Span<T> results, BlockResult<T> take)
    {
        var size = Input.Size;
        if (Lanes is not null)
        {
            // Small dense networks: a lanes pass per block; the plain path only where it declines.
            var lanes = workspace.Lanes ??= Lanes.CreateScratch();
            for (var start = 0; start < total; start += LaneNetwork.Block)
            {
                var count = Math.Min(LaneNetwork.Block, total - start);
                if (Lanes.Run(samples.Slice(start * size, count * size), count, lanes))
                    take(lanes.Logits, start, count, Classes, results);
                else
                    ForEachPlainBlock(samples.Slice(start * size, count * size), count, workspace, results, start, take);
            }
            return;
        }
        ForEachPlainBlock(samples, total, workspace, results, 0, take);
    }

    /// <summary>The plain path: each layer over a block of samples, the results from <paramref name="offset"/> on.</summary>
    private void ForEachPlainBlock<T>(ReadOnlySpan<float> samples, int total, Workspace workspace, Span<T> results, int offset, BlockResult<T> take)
    {
        var size = Input.Size;
        workspace.EnsureBlockBuffers(this);
        var activations = workspace.BlockActivations!;
        for (var start = 0; start < total; start += Workspace.Block)
        {
            var count = Math.Min(Workspace.Block, total - start);
            for (var s = 0; s < count; s++)
                Input.Encode(samples.Slice((start + s) * size, size), activations[0].AsSpan(s * size, size));
            plan.RunBlock(activations, count, workspace.BlockScratch!);
            take(activations[Layers.Count], offset + start, count, Classes, results);
        }
    }

    /// <summary>The first index of the largest value (as torch.argmax).</summary>
    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var j = 1; j < logits.Length; j++)
        {
            if (logits[j] > logits[best])
                best = j;
        }
        return best;
    }
}
