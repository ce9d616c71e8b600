using System.Runtime.Intrinsics;
using Qnn.Engine.Kernels;

namespace Qnn.Engine;

/// <summary>The binary convolution's fused entry points, which the execution plan
/// (<see cref="Execution.ExecutionPlan"/>) calls for a convolution and its pooling, a convolution
/// on codes handing its output bits on, and a block of samples in shared vectors. Each gives
/// the values <see cref="BinaryConvLayer.Forward(ReadOnlySpan{float}, Span{float}, Span{ulong})"/>
/// and the pooling give one after the other.</summary>
public sealed partial class BinaryConvLayer
{
    /// <summary>Whether <see cref="ForwardPooled"/> can pool this layer's sign outputs as bits.</summary>
    internal bool PoolsBits => Output.Thresholds is not null
        && (windowConv is not null || codePlanes is { RowsFit: true } || (slicedConv is not null && Vector512.IsHardwareAccelerated));

    /// <summary>This layer and a max pooling of <paramref name="pool"/> after it in one pass: the
    /// pooling ORs the output bits before they become floats (needs <see cref="PoolsBits"/>).</summary>
    internal void ForwardPooled(ReadOnlySpan<float> input, Span<float> output, int pool, Span<ulong> scratch, ConvPath path = ConvPath.Fast)
    {
        if (!PoolsBits)
            throw new InvalidOperationException($"{Name} does not pool bits");
        var vectors = path != ConvPath.Scalar;
        if (codePlanes is not null)
        {
            var bits = codeRowBits.In(scratch);
            if (!codePlanes.RunRows(input, codeShorts.In(scratch), bits, vectors))
            {
                // Codes too large for int16: the layer's float path, then the pooling of floats.
                var full = codeOutput.In(scratch);
                Forward(input, full, scratch, path);
                MaxPoolLayer.Forward(full, [OutChannels, OutHeight, OutWidth], pool, output, vectors);
                return;
            }
            var pooledRows = slicePooled.In(scratch);
            RowBits.Pool(bits, OutChannels, OutHeight, OutHeight, OutWidth, pool, pooledRows, vectors);
            RowBits.Expand(pooledRows, OutChannels, OutHeight / pool, OutHeight / pool, OutWidth / pool, output, vectors);
            return;
        }
        if (UsesSliced(path) || windowConv is null)
        {
            slicedConv!.Run(input, sliceRows.In(scratch), sliceOutput.In(scratch));
            var rows = slicePooled.In(scratch);
            RowBits.Pool(sliceOutput.In(scratch), OutChannels, slicedConv.OutputRowStride, OutHeight, OutWidth, pool, rows, vectors);
            RowBits.Expand(rows, OutChannels, OutHeight / pool, OutHeight / pool, OutWidth / pool, output, vectors);
            return;
        }
        var words = windowConv!.MaskWords;
        RunWindows(input, output, scratch, vectors);
        var pooled = pooledBits.In(scratch);
        SignMasks.Pool(outputBits.In(scratch), words, OutHeight, OutWidth, pool, pooled);
        SignMasks.Expand(pooled, OutChannels, OutHeight / pool * (OutWidth / pool), output, vectors);
    }

    /// <summary>Whether <see cref="ForwardRows"/> gives this layer's outputs as row bits (input
    /// codes, sign outputs, rows of at most 32).</summary>
    internal bool EmitsRows => codePlanes is { RowsFit: true } && Vector512.IsHardwareAccelerated;

    /// <summary>Whether <see cref="ForwardFromRows"/> takes this layer's inputs as row bits (the
    /// column counter is its fast path).</summary>
    internal bool TakesRows => UsesSliced(ConvPath.Fast);

    /// <summary>The outputs as row bits (channel c's row oy at c·<see cref="ConvolutionLayer.OutHeight"/> + oy, a view
    /// into the scratch), or false where the codes are too large for the int16 sums.</summary>
    internal bool ForwardRows(ReadOnlySpan<float> input, Span<ulong> scratch, out ReadOnlySpan<uint> rows)
    {
        var bits = codeRowBits.In(scratch);
        rows = bits;
        return EmitsRows && codePlanes!.RunRows(input, codeShorts.In(scratch), bits, vectors: true);
    }

    /// <summary>This layer on inputs given as row bits (channel ci's row y at ci·<paramref name="stride"/> + y),
    /// outputs as floats, max-pooled first by <paramref name="pool"/> when it is above 0 (needs <see cref="TakesRows"/>).</summary>
    internal void ForwardFromRows(ReadOnlySpan<uint> inputRows, int stride, Span<float> output, int pool, Span<ulong> scratch)
    {
        if (!TakesRows)
            throw new InvalidOperationException($"{Name} does not take row bits");
        slicedConv!.RunOnRows(inputRows, stride, sliceRows.In(scratch), sliceOutput.In(scratch));
        if (pool == 0)
        {
            RowBits.Expand(sliceOutput.In(scratch), OutChannels, slicedConv.OutputRowStride, OutHeight, OutWidth, output, vectors: true);
            return;
        }
        var rows = slicePooled.In(scratch);
        RowBits.Pool(sliceOutput.In(scratch), OutChannels, slicedConv.OutputRowStride, OutHeight, OutWidth, pool, rows, vectors: true);
        RowBits.Expand(rows, OutChannels, OutHeight / pool, OutHeight / pool, OutWidth / pool, output, vectors: true);
    }

    /// <summary>This layer's sign outputs max-pooled as row bits (channel c's row y at
    /// c·(<see cref="ConvolutionLayer.OutHeight"/>/<paramref name="pool"/>) + y, a view into the scratch), or false
    /// where <see cref="ForwardRows"/> is (needs <see cref="EmitsRows"/>).</summary>
    internal bool ForwardPooledRows(ReadOnlySpan<float> input, int pool, Span<ulong> scratch, out ReadOnlySpan<uint> pooled)
    {
        pooled = default;
        if (!ForwardRows(input, scratch, out var rows))
            return false;
        var into = slicePooled.In(scratch).Slice(0, OutChannels * (OutHeight / pool));
        RowBits.Pool(rows, OutChannels, OutHeight, OutHeight, OutWidth, pool, into, vectors: true);
        pooled = into;
        return true;
    }

    /// <summary>Whether this layer runs a block of samples together, placed in shared vectors
    /// (<see cref="ClearLanes"/>, <see cref="PlaceLanes(ReadOnlySpan{uint}, int, int, Span{ulong})"/>, <see cref="ForwardLanes"/>).</summary>
    internal bool TakesLanes => laneConv is not null && Vector512.IsHardwareAccelerated;

    /// <summary>Starts a block of samples for <see cref="ForwardLanes"/>.</summary>
    internal void ClearLanes(Span<ulong> scratch) => laneConv!.Clear(laneRows.In(scratch));

    /// <summary>Sample <paramref name="sample"/> of the block as input row bits (channel ci's row y at ci·<paramref name="rowStride"/> + y).</summary>
    internal void PlaceLanes(ReadOnlySpan<uint> rows, int rowStride, int sample, Span<ulong> scratch) =>
        laneConv!.Place(rows, rowStride, sample, laneRows.In(scratch));

    /// <summary>Sample <paramref name="sample"/> of the block as ±1 input values.</summary>
    internal void PlaceLanes(ReadOnlySpan<float> values, int sample, Span<ulong> scratch) =>
        laneConv!.PlaceSigns(values, sample, laneRows.In(scratch));

    /// <summary>The block's first <paramref name="samples"/> placed samples through this layer,
    /// max-pooled by <paramref name="pool"/> when it is above 0, as floats one sample after another.</summary>
    internal void ForwardLanes(int samples, Span<float> outputs, int pool, Span<ulong> scratch)
    {
        var output = laneOutput.In(scratch);
        laneConv!.Run(laneRows.In(scratch), samples, laneShifted.In(scratch), output);
        var taken = laneTaken.In(scratch);
        var pooled = lanePooled.In(scratch);
        var (height, width) = pool > 0 ? (OutHeight / pool, OutWidth / pool) : (OutHeight, OutWidth);
        var size = OutChannels * height * width;
        for (var s = 0; s < samples; s++)
        {
            laneConv.Take(output, s, taken);
            var rows = taken;
            if (pool > 0)
            {
                RowBits.Pool(taken, OutChannels, OutHeight, OutHeight, OutWidth, pool, pooled, vectors: true);
                rows = pooled;
            }
            RowBits.Expand(rows, OutChannels, height, height, width, outputs.Slice(s * size, size), vectors: true);
        }
    }
}
