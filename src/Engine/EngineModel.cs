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
        stages = Plan(layers);
        Lanes = LaneNetwork.TryCreate(input, layers);
    }

    /// <summary>How a stage of the execution plan runs its layers.</summary>
    private enum StageKind
    {
        /// <summary>One layer on its own.</summary>
        Layer,
        /// <summary>A convolution and the max pooling after it: the pooling ORs the output bits.</summary>
        ConvPool,
        /// <summary>A convolution on codes handing its output bits to a convolution on ±1 (and its pooling).</summary>
        RowsInto,
        /// <summary>A convolution on codes whose output bits are max-pooled and handed to a
        /// convolution on ±1 that runs a block of samples together in shared vectors (and its pooling).</summary>
        PooledIntoLanes,
    }

    /// <summary>Layers <paramref name="First"/>… (<paramref name="Count"/> of them) run as one stage;
    /// <paramref name="Pool"/> is the fused pooling's window, or 0.</summary>
    private readonly record struct Stage(int First, int Count, StageKind Kind, int Pool);

    private readonly Stage[] stages;

    /// <summary>
    /// The execution plan, made once: a convolution with sign outputs followed by a max pooling runs
    /// as one stage that pools the output bits before they become floats, and a convolution on codes
    /// followed by a convolution on ±1 hands over its output bits directly. Every stage gives the
    /// values its layers give one after the other; only the buffers between them are skipped.
    /// </summary>
    private static Stage[] Plan(IReadOnlyList<EngineLayer> layers)
    {
        static bool Feeds(ConvLayer conv, int[] shape) => shape.SequenceEqual(new[] { conv.OutChannels, conv.OutHeight, conv.OutWidth });
        int PoolAfter(int i) => i + 1 < layers.Count && layers[i] is ConvLayer { PoolsBits: true } conv
            && layers[i + 1] is MaxPoolLayer pool && Feeds(conv, pool.InputShape) ? pool.Pool : 0;
        var plan = new List<Stage>();
        for (var i = 0; i < layers.Count;)
        {
            if (i + 2 < layers.Count && layers[i] is ConvLayer { EmitsRows: true } coded && layers[i + 1] is MaxPoolLayer between
                && Feeds(coded, between.InputShape) && layers[i + 2] is ConvLayer { TakesLanes: true } lanes
                && lanes.InputShape.SequenceEqual(new[] { coded.OutChannels, coded.OutHeight / between.Pool, coded.OutWidth / between.Pool }))
            {
                var pool = i + 3 < layers.Count && layers[i + 3] is MaxPoolLayer after && Feeds(lanes, after.InputShape) ? after.Pool : 0;
                plan.Add(new Stage(i, pool > 0 ? 4 : 3, StageKind.PooledIntoLanes, pool));
            }
            else if (layers[i] is ConvLayer { EmitsRows: true } first && i + 1 < layers.Count
                && layers[i + 1] is ConvLayer { TakesRows: true } second && Feeds(first, second.InputShape))
            {
                var pool = PoolAfter(i + 1);
                plan.Add(new Stage(i, pool > 0 ? 3 : 2, StageKind.RowsInto, pool));
            }
            else if (PoolAfter(i) is var pool and > 0)
            {
                plan.Add(new Stage(i, 2, StageKind.ConvPool, pool));
            }
            else
            {
                plan.Add(new Stage(i, 1, StageKind.Layer, 0));
            }
            i += plan[^1].Count;
        }
        return plan.ToArray();
    }

    /// <summary>Sample <paramref name="sample"/> of the activations through a fused stage;
    /// <paramref name="scratch"/> is the layers' scratch.</summary>
    private void RunFused(Stage stage, float[][] activations, int sample, ulong[][] scratch)
    {
        Span<float> Buffer(int k) => activations[k].AsSpan(sample * SizeOf(k), SizeOf(k));
        var i = stage.First;
        if (stage.Kind == StageKind.ConvPool)
        {
            ((ConvLayer)Layers[i]).ForwardPooled(Buffer(i), Buffer(i + 2), stage.Pool, scratch[i]);
            return;
        }
        var (first, second) = ((ConvLayer)Layers[i], (ConvLayer)Layers[i + 1]);
        if (first.ForwardRows(Buffer(i), scratch[i], out var rows))
        {
            second.ForwardFromRows(rows, first.OutHeight, Buffer(i + stage.Count), stage.Pool, scratch[i + 1]);
            return;
        }
        // Codes too large for the int16 sums: the layers one after the other.
        first.Forward(Buffer(i), Buffer(i + 1), scratch[i]);
        if (stage.Pool > 0)
            second.ForwardPooled(Buffer(i + 1), Buffer(i + 3), stage.Pool, scratch[i + 1]);
        else
            second.Forward(Buffer(i + 1), Buffer(i + 2), scratch[i + 1]);
    }

    /// <summary>The samples-in-lanes plan batches take when every layer is a small dense one, else null.</summary>
    internal LaneNetwork? Lanes { get; }

    /// <summary>Whether batch predictions run the whole network with samples in the SIMD lanes
    /// (every layer a small binary or integer dense one, on a CPU with 512-bit vectors).</summary>
    public bool BatchesInLanes => Lanes is not null;

    /// <summary>The first <paramref name="count"/> samples of the buffers (at most
    /// <see cref="Workspace.Block"/>) through a <see cref="StageKind.PooledIntoLanes"/> stage together.</summary>
    private void RunLanes(Stage stage, float[][] activations, int count, ulong[][] scratch)
    {
        var i = stage.First;
        var (first, pool, second) = ((ConvLayer)Layers[i], (MaxPoolLayer)Layers[i + 1], (ConvLayer)Layers[i + 2]);
        var pooledRows = first.OutHeight / pool.Pool;
        second.ClearLanes(scratch[i + 2]);
        for (var s = 0; s < count; s++)
        {
            var input = activations[i].AsSpan(s * SizeOf(i), SizeOf(i));
            if (first.ForwardPooledRows(input, pool.Pool, scratch[i], out var rows))
            {
                second.PlaceLanes(rows, pooledRows, s, scratch[i + 2]);
                continue;
            }
            // Codes too large for the int16 sums: the first layer's float path, then its pooled signs.
            var pooled = activations[i + 2].AsSpan(s * SizeOf(i + 2), SizeOf(i + 2));
            first.ForwardPooled(input, pooled, pool.Pool, scratch[i]);
            second.PlaceLanes(pooled, s, scratch[i + 2]);
        }
        second.ForwardLanes(count, activations[i + stage.Count], stage.Pool, scratch[i + 2]);
    }

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
        foreach (var stage in stages)
        {
            if (stage.Kind == StageKind.Layer)
                Layers[stage.First].Forward(activations[stage.First], activations[stage.First + 1], workspace.Scratch[stage.First]);
            else if (stage.Kind == StageKind.PooledIntoLanes)
                RunLanes(stage, activations, 1, workspace.Scratch);
            else
                RunFused(stage, activations, 0, workspace.Scratch);
        }
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
            foreach (var stage in stages)
            {
                var i = stage.First;
                if (stage.Kind == StageKind.Layer)
                {
                    Layers[i].ForwardBlock(activations[i], activations[i + 1], count, workspace.BlockScratch![i]);
                    continue;
                }
                if (stage.Kind == StageKind.PooledIntoLanes)
                {
                    RunLanes(stage, activations, count, workspace.BlockScratch!);
                    continue;
                }
                for (var s = 0; s < count; s++)
                    RunFused(stage, activations, s, workspace.BlockScratch!);
            }
            take(activations[Layers.Count], offset + start, count, Classes, results);
        }
    }

    /// <summary>Values per sample in activation buffer <paramref name="k"/> (the input codes, then each layer's outputs).</summary>
    private int SizeOf(int k) => k == 0 ? Input.Size : Layers[k - 1].OutputSize;

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
