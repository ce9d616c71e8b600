using System.Runtime.Intrinsics;

namespace Qnn.Engine.Kernels;

/// <summary>
/// Per-position channel bits (bit c%32 of masks[(c/32)·positions + position], set for +1) turned
/// into channel-major ±1 floats, and max-pooled first where a pooling follows: the max of ±1 values
/// is the OR of their "+1" bits.
/// </summary>
internal static class SignMasks
{
    /// <summary>output[c·positions + p] = +1 where channel c's bit of position p is set, else -1.</summary>
    public static void Expand(ReadOnlySpan<uint> masks, int channels, int positions, Span<float> output, bool vectors)
    {
        for (var c = 0; c < channels; c++)
        {
            var row = masks.Slice((c >> 5) * positions, positions);
            var shift = c & 31;
            var into = output.Slice(c * positions, positions);
            var p = 0;
            if (vectors && Vector512.IsHardwareAccelerated)
            {
                var (plus, minus, bit) = (Vector512.Create(1f), Vector512.Create(-1f), Vector512.Create(1u << shift));
                for (; p + 16 <= positions; p += 16)
                {
                    var set = Vector512.Equals(Vector512.Create(row.Slice(p, 16)) & bit, bit).AsSingle();
                    Vector512.ConditionalSelect(set, plus, minus).CopyTo(into.Slice(p, 16));
                }
            }
            for (; p < positions; p++)
                into[p] = ((row[p] >> shift) & 1) != 0 ? 1f : -1f;
        }
    }

    /// <summary>Max pooling (window and stride <paramref name="pool"/>, floor) of the masks of a
    /// height × width plane into <paramref name="pooled"/> (words × (height/pool)·(width/pool)).</summary>
    public static void Pool(ReadOnlySpan<uint> masks, int words, int height, int width, int pool, Span<uint> pooled)
    {
        var (outHeight, outWidth) = (height / pool, width / pool);
        var (positions, pooledPositions) = (height * width, outHeight * outWidth);
        for (var w = 0; w < words; w++)
        {
            var plane = masks.Slice(w * positions, positions);
            var into = pooled.Slice(w * pooledPositions, pooledPositions);
            for (var oy = 0; oy < outHeight; oy++)
            {
                for (var ox = 0; ox < outWidth; ox++)
                {
                    uint any = 0;
                    for (var dy = 0; dy < pool; dy++)
                    {
                        var row = plane.Slice((oy * pool + dy) * width + ox * pool, pool);
                        foreach (var bits in row) any |= bits;
                    }
                    into[oy * outWidth + ox] = any;
                }
            }
        }
    }
}
