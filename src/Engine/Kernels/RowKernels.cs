using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qnn.Engine.Kernels;

/// <summary>
/// Whole-layer kernels: one call counts an input against every weight row, so the per-call
/// dispatch and reductions of <see cref="PopCountKernel"/> are paid once per layer, not per row.
/// </summary>
internal static class RowKernels
{
    /// <summary>counts[j] = popcount(x XOR row_j) for rows of <c>x.Length</c> words.</summary>
    public static void XorPopCountRows(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> rows, Span<int> counts, PopCountPath path)
    {
        counts.Clear();
        var words = x.Length;
        if (rows.Length != words * counts.Length)
            throw new ArgumentException($"{counts.Length} rows of {words} words need {words * counts.Length} words, got {rows.Length}");
        if (words < 8)
        {
            // Rows shorter than one 512-bit vector (BinaryLeNet5's fc3 has 7 words, fc4 2): the
            // hardware popcount word by word beats a vector path's per-row dispatch and tail.
            for (var j = 0; j < counts.Length; j++)
            {
                var row = rows.Slice(j * words, words);
                var count = 0;
                for (var i = 0; i < words; i++)
                    count += BitOperations.PopCount(x[i] ^ row[i]);
                counts[j] = count;
            }
            return;
        }
        if (path == PopCountPath.Avx512 && Avx512BW.IsSupported && words % 8 == 0)
        {
            var vx = MemoryMarshal.Cast<ulong, Vector512<ulong>>(x);
            var vr = MemoryMarshal.Cast<ulong, Vector512<ulong>>(rows);
            var perRow = vx.Length;
            for (var j = 0; j < counts.Length; j++)
            {
                var row = vr.Slice(j * perRow, perRow);
                var bytes = Vector512<byte>.Zero;
                for (var i = 0; i < perRow; i++)
                {
                    // Each step adds at most 8 to a byte lane; flushing every 16 steps keeps lanes below 256.
                    bytes += PopCountKernel.ByteCounts512((vx[i] ^ row[i]).AsByte());
                    if ((i & 15) == 15)
                    {
                        counts[j] += (int)Vector512.Sum(Avx512BW.SumAbsoluteDifferences(bytes, Vector512<byte>.Zero).AsUInt64());
                        bytes = Vector512<byte>.Zero;
                    }
                }
                counts[j] += (int)Vector512.Sum(Avx512BW.SumAbsoluteDifferences(bytes, Vector512<byte>.Zero).AsUInt64());
            }
            return;
        }
        for (var j = 0; j < counts.Length; j++)
            counts[j] += PopCountKernel.XorPopCount(x, rows.Slice(j * words, words), path);
    }

    /// <summary>dots[s] = Σ_i codes_s[i]·row[i] for up to 8 samples of byte codes (one after another,
    /// each <c>row.Length</c> long) against one ±1 sbyte row: the row is read once, each chunk of it
    /// meeting every sample's chunk while the accumulators stay in registers.</summary>
    public static void ByteDotBlock(ReadOnlySpan<byte> codes, int count, ReadOnlySpan<sbyte> row, Span<int> dots)
    {
        var stride = row.Length;
        if (!Avx512BW.IsSupported || count > 8)
        {
            for (var s = 0; s < count; s++)
                ByteDotRows(codes.Slice(s * stride, stride), row, stride, dots.Slice(s, 1));
            return;
        }
        var vw = MemoryMarshal.Cast<sbyte, Vector512<sbyte>>(row);
        var vc = MemoryMarshal.Cast<byte, Vector512<byte>>(codes.Slice(0, count * stride));
        var chunks = vw.Length;
        var ones = Vector512.Create((short)1);
        Vector512<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (var i = 0; i < chunks; i++)
        {
            var w = vw[i];
            a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(vc[i], w), ones);
            if (count > 1) a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(vc[chunks + i], w), ones);
            if (count > 2) a2 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(vc[2 * chunks + i], w), ones);
            if (count > 3) a3 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(vc[3 * chunks + i], w), ones);
            if (count > 4) a4 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(vc[4 * chunks + i], w), ones);
            if (count > 5) a5 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(vc[5 * chunks + i], w), ones);
            if (count > 6) a6 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(vc[6 * chunks + i], w), ones);
            if (count > 7) a7 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(vc[7 * chunks + i], w), ones);
        }
        Span<Vector512<int>> sums = stackalloc Vector512<int>[] { a0, a1, a2, a3, a4, a5, a6, a7 };
        for (var s = 0; s < count; s++)
            dots[s] = Vector512.Sum(sums[s]);
    }

    /// <summary>dots[j] = Σ_i codes[i]·weights[j, i] for byte codes and ±1 sbyte weight rows (both
    /// padded to <paramref name="stride"/>, a multiple of 64): u8×s8 pairs summed by vpmaddubsw.
    /// Codes of at most 8 bits keep every 16-bit pair sum in range (2·255).</summary>
    public static void ByteDotRows(ReadOnlySpan<byte> codes, ReadOnlySpan<sbyte> weights, int stride, Span<int> dots)
    {
        if (Avx512BW.IsSupported)
        {
            var vc = MemoryMarshal.Cast<byte, Vector512<byte>>(codes.Slice(0, stride));
            var vw = MemoryMarshal.Cast<sbyte, Vector512<sbyte>>(weights);
            var ones = Vector512.Create((short)1);
            var perRow = stride / 64;
            for (var j = 0; j < dots.Length; j++)
            {
                var sum = Vector512<int>.Zero;
                var row = vw.Slice(j * perRow, perRow);
                for (var i = 0; i < perRow; i++)
                    sum += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(vc[i], row[i]), ones);
                dots[j] = Vector512.Sum(sum);
            }
            return;
        }
        if (Avx2.IsSupported)
        {
            var vc = MemoryMarshal.Cast<byte, Vector256<byte>>(codes.Slice(0, stride));
            var vw = MemoryMarshal.Cast<sbyte, Vector256<sbyte>>(weights);
            var ones = Vector256.Create((short)1);
            var perRow = stride / 32;
            for (var j = 0; j < dots.Length; j++)
            {
                var sum = Vector256<int>.Zero;
                var row = vw.Slice(j * perRow, perRow);
                for (var i = 0; i < perRow; i++)
                    sum += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(vc[i], row[i]), ones);
                dots[j] = Vector256.Sum(sum);
            }
            return;
        }
        for (var j = 0; j < dots.Length; j++)
        {
            var sum = 0;
            var row = weights.Slice(j * stride, stride);
            for (var i = 0; i < stride; i++)
                sum += codes[i] * row[i];
            dots[j] = sum;
        }
    }
}
