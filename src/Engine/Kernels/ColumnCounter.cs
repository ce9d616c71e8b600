using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qnn.Engine.Kernels;

/// <summary>
/// Vertical (bit-sliced) popcount for a binary dense layer: instead of counting each output's
/// row horizontally, the weights are stored transposed, one 512-bit column per input holding
/// that input's weight bit for 512 outputs, and the columns of the selected inputs are summed
/// into 512 bit-sliced counters at once with carry-save adders (Harley–Seal: two ternary-logic
/// instructions per column). Per input that costs what one horizontal 512-bit popcount costs per
/// 512 inputs of one row, about 3× fewer instructions on a 2048×2048 layer, and only the inputs
/// that are selected (+1, or −1 when fewer) are read at all. Needs AVX-512F.
/// </summary>
internal static class ColumnCounter
{
    /// <summary>Outputs one column covers.</summary>
    public const int GroupWidth = 512;

    /// <summary>Bit-sliced planes a count takes: 4 carry-save levels and an 8-bit counter of sixteens.</summary>
    public const int Planes = 12;

    /// <summary>Most inputs a count may select (2^12 - 1).</summary>
    public const int MaxInputs = (1 << Planes) - 1;

    /// <summary>Whether this CPU runs the counter (AVX-512F ternary logic).</summary>
    public static bool IsSupported => Avx512F.IsSupported;

    /// <summary>Groups of <see cref="GroupWidth"/> outputs for <paramref name="outputs"/>.</summary>
    public static int GroupsFor(int outputs) => (outputs + GroupWidth - 1) / GroupWidth;

    /// <summary>
    /// Transposes packed sign rows (outputs × ⌈inputs/64⌉ words) into columns: for group g and
    /// input i, 8 words whose bit k is output g·512 + k's weight bit for input i (0 past the last output).
    /// </summary>
    public static ulong[] Transpose(ReadOnlySpan<ulong> rows, int inputs, int outputs)
    {
        var words = BitPacking.WordsFor(inputs);
        var columns = new ulong[GroupsFor(outputs) * inputs * 8];
        for (var j = 0; j < outputs; j++)
        {
            var (group, lane) = (j / GroupWidth, j % GroupWidth);
            for (var i = 0; i < inputs; i++)
            {
                if (((rows[j * words + (i >> 6)] >> (i & 63)) & 1) == 1)
                    columns[(group * inputs + i) * 8 + (lane >> 6)] |= 1UL << (lane & 63);
            }
        }
        return columns;
    }

    /// <summary>The indices of the set bits (<paramref name="ones"/> true) or clear bits among the
    /// first <paramref name="bits"/> of <paramref name="words"/>; returns how many were written.</summary>
    public static int Select(ReadOnlySpan<ulong> words, int bits, bool ones, Span<int> indices)
    {
        var count = 0;
        for (var w = 0; w < words.Length; w++)
        {
            var word = ones ? words[w] : ~words[w];
            if (w == words.Length - 1 && (bits & 63) != 0)
                word &= (1UL << (bits & 63)) - 1;
            while (word != 0)
            {
                indices[count++] = w * 64 + System.Numerics.BitOperations.TrailingZeroCount(word);
                word &= word - 1;
            }
        }
        return count;
    }

    /// <summary>
    /// counts[k] = Σ over the selected inputs i of bit k of column i, for the 512 outputs of one
    /// group (<paramref name="columns"/>: one 512-bit column per input). At most <see cref="MaxInputs"/> selected.
    /// </summary>
    public static void Count(ReadOnlySpan<ulong> columns, ReadOnlySpan<int> selected, Span<int> counts)
    {
        if (!IsSupported)
            throw new PlatformNotSupportedException("the column counter needs AVX-512F");
        if (selected.Length > MaxInputs)
            throw new ArgumentException($"{selected.Length} inputs selected; the counter holds {MaxInputs}");
        Span<Vector512<ulong>> planes = stackalloc Vector512<ulong>[Planes];
        Accumulate(MemoryMarshal.Cast<ulong, Vector512<ulong>>(columns), selected, planes);
        ToCounts(planes, counts.Slice(0, GroupWidth));
    }

    /// <summary>The bit-sliced counts themselves, without converting them to integers: plane b
    /// holds bit b of each of the group's 512 counts (<see cref="Planes"/> planes).</summary>
    public static void CountPlanes(ReadOnlySpan<ulong> columns, ReadOnlySpan<int> selected, Span<Vector512<ulong>> planes)
    {
        if (!IsSupported)
            throw new PlatformNotSupportedException("the column counter needs AVX-512F");
        if (selected.Length > MaxInputs || planes.Length < Planes)
            throw new ArgumentException($"{selected.Length} inputs selected (the counter holds {MaxInputs}), {planes.Length} planes given (needs {Planes})");
        Accumulate(MemoryMarshal.Cast<ulong, Vector512<ulong>>(columns), selected, planes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FullAdd(out Vector512<ulong> carry, out Vector512<ulong> sum, Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> c)
    {
        sum = Avx512F.TernaryLogic(a, b, c, 0x96);   // a ^ b ^ c
        carry = Avx512F.TernaryLogic(a, b, c, 0xE8); // majority(a, b, c)
    }

    /// <summary>Harley–Seal over 16 columns at a time: ones…eights stay as carry-save levels and
    /// every 16 columns add one "sixteens" vector to an 8-bit bit-sliced counter.</summary>
    private static void Accumulate(ReadOnlySpan<Vector512<ulong>> columns, ReadOnlySpan<int> selected, Span<Vector512<ulong>> planes)
    {
        Vector512<ulong> ones = default, twos = default, fours = default, eights = default;
        Vector512<ulong> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        ref var column = ref MemoryMarshal.GetReference(columns);
        var k = 0;
        for (; k + 16 <= selected.Length; k += 16)
        {
            var s = selected.Slice(k, 16);
            FullAdd(out var twosA, out ones, ones, Unsafe.Add(ref column, s[0]), Unsafe.Add(ref column, s[1]));
            FullAdd(out var twosB, out ones, ones, Unsafe.Add(ref column, s[2]), Unsafe.Add(ref column, s[3]));
            FullAdd(out var foursA, out twos, twos, twosA, twosB);
            FullAdd(out twosA, out ones, ones, Unsafe.Add(ref column, s[4]), Unsafe.Add(ref column, s[5]));
            FullAdd(out twosB, out ones, ones, Unsafe.Add(ref column, s[6]), Unsafe.Add(ref column, s[7]));
            FullAdd(out var foursB, out twos, twos, twosA, twosB);
            FullAdd(out var eightsA, out fours, fours, foursA, foursB);
            FullAdd(out twosA, out ones, ones, Unsafe.Add(ref column, s[8]), Unsafe.Add(ref column, s[9]));
            FullAdd(out twosB, out ones, ones, Unsafe.Add(ref column, s[10]), Unsafe.Add(ref column, s[11]));
            FullAdd(out foursA, out twos, twos, twosA, twosB);
            FullAdd(out twosA, out ones, ones, Unsafe.Add(ref column, s[12]), Unsafe.Add(ref column, s[13]));
            FullAdd(out twosB, out ones, ones, Unsafe.Add(ref column, s[14]), Unsafe.Add(ref column, s[15]));
            FullAdd(out foursB, out twos, twos, twosA, twosB);
            FullAdd(out var eightsB, out fours, fours, foursA, foursB);
            FullAdd(out var carry, out eights, eights, eightsA, eightsB);
            // Ripple the sixteens into the counter (at most 255 of them below MaxInputs).
            var next = c0 & carry; c0 ^= carry; carry = next;
            next = c1 & carry; c1 ^= carry; carry = next;
            next = c2 & carry; c2 ^= carry; carry = next;
            next = c3 & carry; c3 ^= carry; carry = next;
            next = c4 & carry; c4 ^= carry; carry = next;
            next = c5 & carry; c5 ^= carry; carry = next;
            next = c6 & carry; c6 ^= carry; carry = next;
            c7 ^= carry;
        }
        planes[0] = ones; planes[1] = twos; planes[2] = fours; planes[3] = eights;
        planes[4] = c0; planes[5] = c1; planes[6] = c2; planes[7] = c3;
        planes[8] = c4; planes[9] = c5; planes[10] = c6; planes[11] = c7;
        // The last few columns ripple in one by one.
        for (; k < selected.Length; k++)
        {
            var carry = Unsafe.Add(ref column, selected[k]);
            for (var b = 0; b < Planes; b++)
            {
                var next = planes[b] & carry;
                planes[b] ^= carry;
                carry = next;
            }
        }
    }

    private static readonly Vector512<uint> LaneIndex = Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

    /// <summary>Bit-sliced planes back to one integer per output, 16 outputs per vector: each
    /// plane's 16 bits broadcast, shifted by lane and weighted by the plane's bit.</summary>
    private static void ToCounts(ReadOnlySpan<Vector512<ulong>> planes, Span<int> counts)
    {
        var halves = MemoryMarshal.Cast<Vector512<ulong>, ushort>(planes);
        var output = MemoryMarshal.Cast<int, Vector512<uint>>(counts);
        for (var q = 0; q < GroupWidth / 16; q++)
        {
            var sum = Vector512<uint>.Zero;
            for (var b = 0; b < Planes; b++)
            {
                var bits = Avx512F.ShiftRightLogicalVariable(Vector512.Create((uint)halves[b * 32 + q]), LaneIndex);
                sum |= (bits & Vector512<uint>.One) << b;
            }
            output[q] = sum;
        }
    }
}
