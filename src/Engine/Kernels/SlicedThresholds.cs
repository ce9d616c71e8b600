using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qnn.Engine.Kernels;

/// <summary>
/// Sign thresholds compared on the column counter's bit-sliced counts, 512 outputs at a time, so
/// the counts are never converted to integers (that conversion costs more than the counting).
/// With S the count over the selected inputs, W the row's +1 weights, n the inputs and p the +1
/// inputs, z = 4S − 2W + n − 2p over the +1 inputs and z = 2W + n − 2p − 4S over the −1 inputs,
/// so lo ≤ z ≤ hi becomes Smin ≤ S ≤ Smax with bounds that depend on p only through q = ⌊p/2⌋
/// and the parity of p: writing 2p = 4q + r (r ∈ {0, 2}), S − q (over +1) or S + q (over −1)
/// lies between per-output constants fixed at load for each r. Those constants are stored
/// bit-sliced; per sample, q is added to the count planes by a bit-sliced ripple adder and both
/// comparisons are the sign bits of bit-sliced subtractions: about 60 ternary-logic instructions
/// per 512 outputs.
/// </summary>
internal sealed class SlicedThresholds
{
    /// <summary>Bits of the two's complement values compared: S ± q lies in [−2047, 6142].</summary>
    private const int Bits = 14;
    private const int Low = -2048, High = 6143;

    // Per group and variant (over +1 or −1 inputs, r = 0 or 2): Bits planes of ~Smin, then Bits planes of Smax.
    private readonly Vector512<ulong>[] constants;

    private SlicedThresholds(Vector512<ulong>[] constants) => this.constants = constants;

    private static int Variant(bool overPlus, int r) => (overPlus ? 0 : 2) + (r == 0 ? 0 : 1);

    /// <summary>The bit-sliced bounds of sign <paramref name="output"/>s for a layer of
    /// <paramref name="inputs"/> inputs whose rows hold <paramref name="rowOnes"/> +1 weights.</summary>
    public static SlicedThresholds Create(LayerOutput output, int[] rowOnes, int inputs)
    {
        var thresholds = output.Thresholds ?? throw new ArgumentException("sliced thresholds need sign outputs");
        var groups = ColumnCounter.GroupsFor(thresholds.Length);
        var constants = new Vector512<ulong>[groups * 4 * 2 * Bits];
        var words = MemoryMarshal.Cast<Vector512<ulong>, ulong>(constants.AsSpan());
        static long Ceiling(long a) => (long)Math.Ceiling(a / 4.0);
        static long Floor(long a) => (long)Math.Floor(a / 4.0);
        for (var j = 0; j < thresholds.Length; j++)
        {
            var (lo, hi) = thresholds[j].FiringRange;
            var (w, n) = (2L * rowOnes[j], (long)inputs);
            var (group, lane) = (j / ColumnCounter.GroupWidth, j % ColumnCounter.GroupWidth);
            foreach (var overPlus in new[] { true, false })
                foreach (var r in new[] { 0, 2 })
                {
                    var (min, max) = overPlus
                        ? (Ceiling(lo + w - n + r), Floor(hi + w - n + r))
                        : (Ceiling(w + n - hi - r), Floor(w + n - lo - r));
                    // Beyond the reachable range every bound acts the same, so it fits the bits.
                    var (notMin, clampedMax) = (~Math.Clamp(min, Low, High), Math.Clamp(max, Low, High));
                    var at = (group * 4 + Variant(overPlus, r)) * 2 * Bits;
                    for (var b = 0; b < Bits; b++)
                    {
                        if (((notMin >> b) & 1) != 0) words[(at + b) * 8 + (lane >> 6)] |= 1UL << (lane & 63);
                        if (((clampedMax >> b) & 1) != 0) words[(at + Bits + b) * 8 + (lane >> 6)] |= 1UL << (lane & 63);
                    }
                }
        }
        return new SlicedThresholds(constants);
    }

    /// <summary>Which of group <paramref name="group"/>'s outputs fire, as 512 bits, from the
    /// count planes of the inputs selected (+1 ones when <paramref name="overPlus"/>, else −1 ones)
    /// and the number <paramref name="plus"/> of +1 inputs.</summary>
    public void Fire(ReadOnlySpan<Vector512<ulong>> counts, int group, bool overPlus, int plus, out Vector512<ulong> fires)
    {
        var (q, r) = (plus / 2, 2 * (plus % 2));
        var k = overPlus ? -q : q;
        var bounds = constants.AsSpan((group * 4 + Variant(overPlus, r)) * 2 * Bits, 2 * Bits);
        Span<Vector512<ulong>> t = stackalloc Vector512<ulong>[Bits];
        // T = S + k, a ripple adder with a constant whose planes are all ones or all zeros.
        var carry = Vector512<ulong>.Zero;
        for (var b = 0; b < Bits; b++)
        {
            var s = b < ColumnCounter.Planes ? counts[b] : Vector512<ulong>.Zero;
            var kb = ((k >> b) & 1) != 0 ? Vector512<ulong>.AllBitsSet : Vector512<ulong>.Zero;
            t[b] = Avx512F.TernaryLogic(s, kb, carry, 0x96);
            carry = Avx512F.TernaryLogic(s, kb, carry, 0xE8);
        }
        // T − Smin = T + ~Smin + 1 and Smax − T = Smax + ~T + 1: only the carries into the sign bit.
        var (below, above) = (Vector512<ulong>.AllBitsSet, Vector512<ulong>.AllBitsSet);
        for (var b = 0; b < Bits - 1; b++)
        {
            below = Avx512F.TernaryLogic(t[b], bounds[b], below, 0xE8);
            above = Avx512F.TernaryLogic(bounds[Bits + b], ~t[b], above, 0xE8);
        }
        var negativeBelow = Avx512F.TernaryLogic(t[Bits - 1], bounds[Bits - 1], below, 0x96);
        var negativeAbove = Avx512F.TernaryLogic(bounds[2 * Bits - 1], ~t[Bits - 1], above, 0x96);
        fires = ~(negativeBelow | negativeAbove);
    }

    private static readonly Vector512<uint> LaneIndex = Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

    /// <summary>±1 floats for the first <c>output.Length</c> of 512 fire bits.</summary>
    public static void Write(Vector512<ulong> fires, Span<float> output)
    {
        var halves = MemoryMarshal.Cast<Vector512<ulong>, ushort>(MemoryMarshal.CreateSpan(ref fires, 1));
        var j = 0;
        for (; j + 16 <= output.Length; j += 16)
        {
            var bits = Avx512F.ShiftRightLogicalVariable(Vector512.Create((uint)halves[j / 16]), LaneIndex) & Vector512<uint>.One;
            Vector512.ConvertToSingle(bits.AsInt32() * 2 - Vector512<int>.One).CopyTo(output.Slice(j, 16));
        }
        for (; j < output.Length; j++)
            output[j] = ((halves[j / 16] >> (j % 16)) & 1) != 0 ? 1f : -1f;
    }
}
