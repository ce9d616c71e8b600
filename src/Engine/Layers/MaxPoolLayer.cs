using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qnn.Engine;

/// <summary>Max pooling (window and stride <see cref="PoolingLayer.Pool"/>, floor) over ±1 values: the OR of the
/// window's bits, since the block's sign comes before its pooling (+1 where any value is ≥ 0).</summary>
public sealed class MaxPoolLayer(string name, int[] inputShape, int pool) : PoolingLayer(name, inputShape, pool)
{
    /// <inheritdoc/>
    public override TResult Accept<TResult>(ILayerVisitor<TResult> visitor) => visitor.Visit(this);

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch) => Forward(input, output, vectors: true);

    /// <summary>One sample, with or without vectors (tests compare them).</summary>
    internal void Forward(ReadOnlySpan<float> input, Span<float> output, bool vectors) => Forward(input, InputShape, Pool, output, vectors);

    /// <summary>Pools <paramref name="input"/> of <paramref name="shape"/> [channels, height, width].</summary>
    internal static void Forward(ReadOnlySpan<float> input, int[] shape, int pool, Span<float> output, bool vectors)
    {
        int height = shape[1], width = shape[2];
        var (outHeight, outWidth) = (height / pool, width / pool);
        var pairs = vectors && pool == 2 && outWidth >= 8 && Avx512F.IsSupported;
        for (var c = 0; c < shape[0]; c++)
        {
            for (var oy = 0; oy < outHeight; oy++)
            {
                var into = output.Slice((c * outHeight + oy) * outWidth, outWidth);
                var top = input.Slice((c * height + oy * pool) * width, width);
                if (pairs)
                {
                    PoolPairs(top, input.Slice((c * height + oy * pool + 1) * width, width), into);
                    continue;
                }
                for (var ox = 0; ox < outWidth; ox++)
                {
                    var any = -1f;
                    for (var dy = 0; dy < pool && any < 0; dy++)
                    {
                        var row = input.Slice((c * height + oy * pool + dy) * width + ox * pool, pool);
                        foreach (var value in row)
                        {
                            if (value >= 0)
                            {
                                any = 1f;
                                break;
                            }
                        }
                    }
                    into[ox] = any;
                }
            }
        }
    }

    private static readonly Vector512<int> Evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 0, 0, 0, 0, 0, 0, 0);
    private static readonly Vector512<int> Odds = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>2×2 pooling of two rows, 8 outputs at a time: the rows' maximum, then the maximum of
    /// its even and odd elements; the last run ends at the row's end (overlapping the one before).</summary>
    private static void PoolPairs(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, Span<float> into)
    {
        var (one, minusOne) = (Vector256.Create(1f), Vector256.Create(-1f));
        for (var ox = 0; ox < into.Length; ox += 8)
        {
            ox = Math.Min(ox, into.Length - 8);
            var rows = Vector512.Max(Vector512.Create(top.Slice(2 * ox, 16)), Vector512.Create(bottom.Slice(2 * ox, 16)));
            var most = Vector512.Max(Avx512F.PermuteVar16x32(rows, Evens), Avx512F.PermuteVar16x32(rows, Odds)).GetLower();
            Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(most, Vector256<float>.Zero), one, minusOne).CopyTo(into.Slice(ox, 8));
        }
    }
}
