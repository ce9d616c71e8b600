namespace Qnn.Engine.Execution;

/// <summary>
/// How a model's layers run, decided once when the model is made: which consecutive layers run
/// fused as one stage (a convolution and its max pooling on the output bits, a convolution on
/// codes handing its output bits to a convolution on ±1, that pair with a block of samples in
/// shared vectors) and which run alone. Every stage gives the values its layers give one after
/// the other; only the buffers between them are skipped. The fusions are patterns over the
/// concrete layer kinds; a kind they do not name runs alone, so a new kind needs nothing here.
/// </summary>
internal sealed class ExecutionPlan
{
    private readonly InputStage input;
    private readonly IReadOnlyList<EngineLayer> layers;
    private readonly Stage[] stages;

    public ExecutionPlan(InputStage input, IReadOnlyList<EngineLayer> layers)
    {
        (this.input, this.layers) = (input, layers);
        stages = Plan(layers);
    }

    /// <summary>One sample: the codes in <paramref name="activations"/>[0] through every stage.</summary>
    public void RunSample(float[][] activations, ulong[][] scratch)
    {
        foreach (var stage in stages)
        {
            if (stage.Kind == StageKind.Layer)
                layers[stage.First].Forward(activations[stage.First], activations[stage.First + 1], scratch[stage.First]);
            else if (stage.Kind == StageKind.PooledIntoLanes)
                RunLanes(stage, activations, 1, scratch);
            else
                RunFused(stage, activations, 0, scratch);
        }
    }

    /// <summary>The first <paramref name="count"/> samples of the block buffers through every stage.</summary>
    public void RunBlock(float[][] activations, int count, ulong[][] scratch)
    {
        foreach (var stage in stages)
        {
            var i = stage.First;
            if (stage.Kind == StageKind.Layer)
            {
                layers[i].ForwardBlock(activations[i], activations[i + 1], count, scratch[i]);
                continue;
            }
            if (stage.Kind == StageKind.PooledIntoLanes)
            {
                RunLanes(stage, activations, count, scratch);
                continue;
            }
            for (var s = 0; s < count; s++)
                RunFused(stage, activations, s, scratch);
        }
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


    /// <summary>
    /// The execution plan, made once: a convolution with sign outputs followed by a max pooling runs
    /// as one stage that pools the output bits before they become floats, and a convolution on codes
    /// followed by a convolution on ±1 hands over its output bits directly. Every stage gives the
    /// values its layers give one after the other; only the buffers between them are skipped.
    /// </summary>
    private static Stage[] Plan(IReadOnlyList<EngineLayer> layers)
    {
        static bool Feeds(BinaryConvLayer conv, int[] shape) => shape.SequenceEqual(new[] { conv.OutChannels, conv.OutHeight, conv.OutWidth });
        int PoolAfter(int i) => i + 1 < layers.Count && layers[i] is BinaryConvLayer { PoolsBits: true } conv
            && layers[i + 1] is MaxPoolLayer pool && Feeds(conv, pool.InputShape) ? pool.Pool : 0;
        var plan = new List<Stage>();
        for (var i = 0; i < layers.Count;)
        {
            if (i + 2 < layers.Count && layers[i] is BinaryConvLayer { EmitsRows: true } coded && layers[i + 1] is MaxPoolLayer between
                && Feeds(coded, between.InputShape) && layers[i + 2] is BinaryConvLayer { TakesLanes: true } lanes
                && lanes.InputShape.SequenceEqual(new[] { coded.OutChannels, coded.OutHeight / between.Pool, coded.OutWidth / between.Pool }))
            {
                var pool = i + 3 < layers.Count && layers[i + 3] is MaxPoolLayer after && Feeds(lanes, after.InputShape) ? after.Pool : 0;
                plan.Add(new Stage(i, pool > 0 ? 4 : 3, StageKind.PooledIntoLanes, pool));
            }
            else if (layers[i] is BinaryConvLayer { EmitsRows: true } first && i + 1 < layers.Count
                && layers[i + 1] is BinaryConvLayer { TakesRows: true } second && Feeds(first, second.InputShape))
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
            ((BinaryConvLayer)layers[i]).ForwardPooled(Buffer(i), Buffer(i + 2), stage.Pool, scratch[i]);
            return;
        }
        var (first, second) = ((BinaryConvLayer)layers[i], (BinaryConvLayer)layers[i + 1]);
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

    /// <summary>The first <paramref name="count"/> samples of the buffers (at most
    /// <see cref="Workspace.Block"/>) through a <see cref="StageKind.PooledIntoLanes"/> stage together.</summary>
    private void RunLanes(Stage stage, float[][] activations, int count, ulong[][] scratch)
    {
        var i = stage.First;
        var (first, pool, second) = ((BinaryConvLayer)layers[i], (MaxPoolLayer)layers[i + 1], (BinaryConvLayer)layers[i + 2]);
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

    /// <summary>Values per sample in activation buffer <paramref name="k"/> (the input codes, then each layer's outputs).</summary>
    private int SizeOf(int k) => k == 0 ? input.Size : layers[k - 1].OutputSize;
}
