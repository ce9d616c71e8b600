using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qnn.Engine.Kernels;

/// <summary>
/// Sign outputs held as row words (bit x of a channel's row word set for +1, at most 32 columns;
/// bits past the width ignored) turned into channel-major ±1 floats, and max-pooled first where a
/// pooling follows: the OR of the window's rows, then of each run of columns, whose first bits are
/// gathered by a bit extract.
/// </summary>
internal static class RowBits
{
    private static readonly Vector512<uint> LaneBits = Vector512.Create(1u, 1u << 1, 1u << 2, 1u << 3, 1u << 4, 1u << 5, 1u << 6, 1u << 7,
        1u << 8, 1u << 9, 1u << 10, 1u << 11, 1u << 12, 1u << 13, 1u << 14, 1u << 15);

    /// <summary>output[(c·height + y)·width + x] = ±1 from bit x of rows[c·stride + y]. A channel's
    /// rows are streamed one after another through a 64-bit buffer, 16 outputs a vector, whatever the width.</summary>
    public static void Expand(ReadOnlySpan<uint> rows, int channels, int stride, int height, int width, Span<float> output, bool vectors)
    {
        var (plus, minus, lanes) = (Vector512.Create(1f), Vector512.Create(-1f), LaneBits);
        var rowMask = width == 32 ? uint.MaxValue : (1u << width) - 1;
        var plane = height * width;
        var fast = vectors && Vector512.IsHardwareAccelerated;
        for (var c = 0; c < channels; c++)
        {
            var into = output.Slice(c * plane, plane);
            var (pending, count, at) = (0UL, 0, 0);
            for (var y = 0; y < height; y++)
            {
                pending |= (ulong)(rows[c * stride + y] & rowMask) << count;
                count += width;
                for (; count >= 16; count -= 16, at += 16, pending >>= 16)
                {
                    if (fast)
                    {
                        var set = Vector512.Equals(Vector512.Create((uint)pending) & lanes, lanes).AsSingle();
                        Vector512.ConditionalSelect(set, plus, minus).CopyTo(into.Slice(at, 16));
                        continue;
                    }
                    for (var x = 0; x < 16; x++)
                        into[at + x] = ((pending >> x) & 1) != 0 ? 1f : -1f;
                }
            }
            for (var x = 0; x < count; x++)
                into[at + x] = ((pending >> x) & 1) != 0 ? 1f : -1f;
        }
    }

    /// <summary>Max pooling (window and stride <paramref name="pool"/>, floor) of each channel's
    /// rows into <paramref name="pooled"/> (height/pool rows a channel, one after another).</summary>
    public static void Pool(ReadOnlySpan<uint> rows, int channels, int stride, int height, int width, int pool, Span<uint> pooled, bool vectors)
    {
        var (outHeight, outWidth) = (height / pool, width / pool);
        // Bits 0, pool, 2·pool…: the first column of each window.
        uint firsts = 0;
        for (var x = 0; x < outWidth; x++) firsts |= 1u << (x * pool);
        for (var c = 0; c < channels; c++)
        {
            for (var py = 0; py < outHeight; py++)
            {
                uint any = 0;
                for (var dy = 0; dy < pool; dy++) any |= rows[c * stride + py * pool + dy];
                var spread = any;
                for (var dx = 1; dx < pool; dx++) spread |= any >> dx;
                uint word;
                if (vectors && Bmi2.IsSupported)
                {
                    word = Bmi2.ParallelBitExtract(spread, firsts);
                }
                else
                {
                    word = 0;
                    for (var x = 0; x < outWidth; x++) word |= ((spread >> (x * pool)) & 1) << x;
                }
                pooled[c * outHeight + py] = word;
            }
        }
    }
}
