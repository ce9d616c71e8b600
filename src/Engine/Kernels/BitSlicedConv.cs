using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qnn.Engine.Kernels;

/// <summary>
/// A binary convolution on ±1 inputs at stride 1 as a column counter over output positions: each
/// input channel's rows are 32-bit words (bit x for x ≥ 0 at column x, at most 32 columns); a
/// vector holds 16 consecutive rows, so every tap (ci, ky, kx) of an output channel is one load of
/// the rows ky·dilation further down, shifted by kx·dilation - padding within each word and XORed
/// with the tap's weight (all ones for -1), which gives 1 where input and weight agree, for 512
/// output positions at once. A carry-save (Harley–Seal) bit-sliced counter sums the agreements Q;
/// the folded threshold becomes a per-position bound U on Q (padding taps count as inputs of -1 in
/// Q, a data-independent correction folded into U at load), compared on the bit planes, so the
/// output comes out as bits: the same row words, ready for pooling (OR) or the next layer.
/// </summary>
internal sealed class BitSlicedConv
{
    private const int Lanes = 16;
    private readonly int channels, height, width, kernel, padding, dilation, groups, perGroupIn, perGroupOut, outChannels;
    private readonly int outHeight, outWidth, rowGroups, rowsPerChannel, windowBits, planes;
    /// <summary>Per output channel and tap ([ci, ky, kx]): 0 for a +1 weight, all ones for -1.</summary>
    private readonly uint[] tapMasks;
    /// <summary>Per tap k = [ci, ky, kx] of a window: its rows' offset (ci·rows + ky·dilation) and its shift (kx·dilation - padding).</summary>
    private readonly int[] tapOffsets, tapShifts;
    /// <summary>Per output channel: whether it fires when Q &lt; U (else when Q ≥ U).</summary>
    private readonly bool[] below;
    /// <summary>[channel, row group, plane]: the bound U of each output position as bit planes.</summary>
    private readonly Vector512<uint>[] bounds;

    /// <summary>Whether the kernel covers a layer: ±1 inputs, stride 1, sign outputs, rows of at most 32 columns.</summary>
    public static bool Covers(int[] inputShape, int kernel, int stride, int padding, int dilation, int groups, bool codeInputs, LayerOutput output)
    {
        var outWidth = inputShape[2] + 2 * padding - (kernel - 1) * dilation;
        return !codeInputs && stride == 1 && output.Thresholds is not null && inputShape[2] <= 32 && outWidth is > 0 and <= 32
            && padding < 32 && (kernel - 1) * dilation - padding < 32 && inputShape[1] + 2 * padding - (kernel - 1) * dilation > 0
            && inputShape[0] / groups * kernel * kernel < (1 << MaxPlanes) - 1;
    }

    public BitSlicedConv(int[] inputShape, int outChannels, int kernel, int padding, int dilation, int groups, ReadOnlySpan<ulong> packedWeights, LayerOutput output)
    {
        (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2]);
        (this.outChannels, this.kernel, this.padding, this.dilation, this.groups) = (outChannels, kernel, padding, dilation, groups);
        perGroupIn = channels / groups;
        perGroupOut = outChannels / groups;
        var reach = (kernel - 1) * dilation;
        outHeight = height + 2 * padding - reach;
        outWidth = width + 2 * padding - reach;
        rowGroups = (outHeight + Lanes - 1) / Lanes;
        rowsPerChannel = rowGroups * Lanes + reach;
        var taps = kernel * kernel;
        windowBits = perGroupIn * taps;
        // U lies in [0, windowBits + 1].
        planes = 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)windowBits + 1);
        var words = BitPacking.WordsFor(windowBits);
        tapMasks = new uint[outChannels * windowBits];
        for (var c = 0; c < outChannels; c++)
            for (var bit = 0; bit < windowBits; bit++)
                tapMasks[c * windowBits + bit] = ((packedWeights[c * words + (bit >> 6)] >> (bit & 63)) & 1) == 1 ? 0u : uint.MaxValue;
        (tapOffsets, tapShifts) = (new int[windowBits], new int[windowBits]);
        for (var k = 0; k < windowBits; k++)
        {
            var (ci, ky, kx) = (k / taps, k % taps / kernel, k % kernel);
            (tapOffsets[k], tapShifts[k]) = (ci * rowsPerChannel + ky * dilation, kx * dilation - padding);
        }
        below = new bool[outChannels];
        bounds = new Vector512<uint>[outChannels * rowGroups * planes];
        var lanes = MemoryMarshal.Cast<Vector512<uint>, uint>(bounds.AsSpan());
        var thresholds = output.Thresholds!;
        for (var c = 0; c < outChannels; c++)
        {
            var threshold = thresholds[c];
            below[c] = threshold.Direction is ThresholdDirection.AtMost or ThresholdDirection.Never;
            // Per tap, how many of the group's input channels have weight -1 there.
            var minusPerTap = new int[taps];
            for (var k = 0; k < windowBits; k++)
                if (tapMasks[c * windowBits + k] != 0) minusPerTap[k % taps]++;
            for (var oy = 0; oy < outHeight; oy++)
                for (var ox = 0; ox < outWidth; ox++)
                {
                    var bound = Bound(c, threshold, oy, ox, minusPerTap);
                    for (var b = 0; b < planes; b++)
                    {
                        if (((bound >> b) & 1) != 0)
                            lanes[((c * rowGroups + oy / Lanes) * planes + b) * Lanes + oy % Lanes] |= 1u << ox;
                    }
                }
        }
    }

    /// <summary>
    /// The bound U on Q for output (oy, ox) of channel c. With p taps in the padding of which m
    /// have weight -1, Q counts agreements over the inside taps plus m, and z = 2(Q - m) - inside.
    /// z ≥ t ⇔ Q ≥ ⌈(t + inside)/2⌉ + m; z ≤ t ⇔ Q &lt; ⌊(t + inside)/2⌋ + m + 1. Clamped to [0, windowBits + 1].
    /// </summary>
    private long Bound(int c, SignThreshold threshold, int oy, int ox, ReadOnlySpan<int> minusPerTap)
    {
        long inside = 0, minusInPadding = 0;
        for (var tap = 0; tap < kernel * kernel; tap++)
        {
            var y = oy - padding + tap / kernel * dilation;
            var x = ox - padding + tap % kernel * dilation;
            if (y >= 0 && y < height && x >= 0 && x < width)
                inside += perGroupIn;
            else
                minusInPadding += minusPerTap[tap];
        }
        var bound = threshold.Direction switch
        {
            ThresholdDirection.AtLeast => (long)Math.Ceiling((threshold.Threshold + (double)inside) / 2) + minusInPadding,
            ThresholdDirection.AtMost => (long)Math.Floor((threshold.Threshold + (double)inside) / 2) + minusInPadding + 1,
            _ => 0,   // Always: Q ≥ 0; Never: Q < 0.
        };
        return Math.Clamp(bound, 0, windowBits + 1);
    }

    /// <summary>Row words per input channel (padded rows and room for the last vector).</summary>
    public int RowWords => channels * rowsPerChannel;
    /// <summary>Output row words: one per output row of each channel, rounded up to whole vectors.</summary>
    public int OutputWords => outChannels * rowGroups * Lanes;
    /// <summary>Output rows per channel in <see cref="Run"/>'s output (whole vectors).</summary>
    public int OutputRowStride => rowGroups * Lanes;
    public int OutHeight => outHeight;
    public int OutWidth => outWidth;

    /// <summary>One sample: the output bits as row words, channel c's row oy at c·<see cref="OutputRowStride"/> + oy
    /// (bits past the output width and rows past its height are undefined).</summary>
    public void Run(ReadOnlySpan<float> input, Span<uint> rows, Span<uint> outputRows)
    {
        PackRows(input, rows.Slice(0, RowWords));
        Count(rows, outputRows);
    }

    /// <summary>As <see cref="Run"/> on inputs given as row bits (channel ci's row y at
    /// ci·<paramref name="stride"/> + y, bits past the width ignored), as a code convolution writes them.</summary>
    public void RunOnRows(ReadOnlySpan<uint> inputRows, int stride, Span<uint> rows, Span<uint> outputRows)
    {
        rows = rows.Slice(0, RowWords);
        rows.Clear();
        var mask = width == 32 ? uint.MaxValue : (1u << width) - 1;
        for (var ci = 0; ci < channels; ci++)
            for (var y = 0; y < height; y++)
                rows[ci * rowsPerChannel + y + padding] = inputRows[ci * stride + y] & mask;
        Count(rows, outputRows);
    }

    private void Count(Span<uint> rows, Span<uint> outputRows)
    {
        var into = MemoryMarshal.Cast<uint, Vector512<uint>>(outputRows.Slice(0, OutputWords));
        Span<Vector512<uint>> counter = stackalloc Vector512<uint>[MaxPlanes];
        for (var c = 0; c < outChannels; c++)
        {
            var firstRow = c / perGroupOut * perGroupIn * rowsPerChannel;
            var masks = tapMasks.AsSpan(c * windowBits, windowBits);
            for (var j = 0; j < rowGroups; j++)
            {
                Count(rows.Slice(firstRow + j * Lanes), masks, counter);
                into[c * rowGroups + j] = Compare(counter, bounds.AsSpan((c * rowGroups + j) * planes, planes), below[c]);
            }
        }
    }

    private const int MaxPlanes = 16;

    /// <summary>Tap k's agreements for 16 rows: the rows ky·dilation down, shifted by kx·dilation - padding, XOR the weight mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Tap(ref uint row, int offset, int shift, uint mask)
    {
        var words = Vector512.LoadUnsafe(ref row, (nuint)offset);
        var shifted = shift >= 0 ? Vector512.ShiftRightLogical(words, shift) : Vector512.ShiftLeft(words, -shift);
        return shifted ^ Vector512.Create(mask);
    }

    /// <summary>The bit planes of Q into <paramref name="counter"/> (a Harley–Seal counter: ones…eights
    /// in carry-save form, every 16 taps ripple one "sixteens" into a binary counter, the last taps one by one).</summary>
    private void Count(ReadOnlySpan<uint> rows, ReadOnlySpan<uint> masks, Span<Vector512<uint>> counter)
    {
        counter.Clear();
        Vector512<uint> ones = default, twos = default, fours = default, eights = default;
        ref var row = ref MemoryMarshal.GetReference(rows);
        ref var offset = ref MemoryMarshal.GetArrayDataReference(tapOffsets);
        ref var shift = ref MemoryMarshal.GetArrayDataReference(tapShifts);
        ref var mask = ref MemoryMarshal.GetReference(masks);
        var k = 0;
        var total = masks.Length;
        for (; k + 16 <= total; k += 16)
        {
            FullAdd(out var twosA, out ones, ones, Tap(ref row, Unsafe.Add(ref offset, k + 0), Unsafe.Add(ref shift, k + 0), Unsafe.Add(ref mask, k + 0)), Tap(ref row, Unsafe.Add(ref offset, k + 1), Unsafe.Add(ref shift, k + 1), Unsafe.Add(ref mask, k + 1)));
            FullAdd(out var twosB, out ones, ones, Tap(ref row, Unsafe.Add(ref offset, k + 2), Unsafe.Add(ref shift, k + 2), Unsafe.Add(ref mask, k + 2)), Tap(ref row, Unsafe.Add(ref offset, k + 3), Unsafe.Add(ref shift, k + 3), Unsafe.Add(ref mask, k + 3)));
            FullAdd(out var foursA, out twos, twos, twosA, twosB);
            FullAdd(out twosA, out ones, ones, Tap(ref row, Unsafe.Add(ref offset, k + 4), Unsafe.Add(ref shift, k + 4), Unsafe.Add(ref mask, k + 4)), Tap(ref row, Unsafe.Add(ref offset, k + 5), Unsafe.Add(ref shift, k + 5), Unsafe.Add(ref mask, k + 5)));
            FullAdd(out twosB, out ones, ones, Tap(ref row, Unsafe.Add(ref offset, k + 6), Unsafe.Add(ref shift, k + 6), Unsafe.Add(ref mask, k + 6)), Tap(ref row, Unsafe.Add(ref offset, k + 7), Unsafe.Add(ref shift, k + 7), Unsafe.Add(ref mask, k + 7)));
            FullAdd(out var foursB, out twos, twos, twosA, twosB);
            FullAdd(out var eightsA, out fours, fours, foursA, foursB);
            FullAdd(out twosA, out ones, ones, Tap(ref row, Unsafe.Add(ref offset, k + 8), Unsafe.Add(ref shift, k + 8), Unsafe.Add(ref mask, k + 8)), Tap(ref row, Unsafe.Add(ref offset, k + 9), Unsafe.Add(ref shift, k + 9), Unsafe.Add(ref mask, k + 9)));
            FullAdd(out twosB, out ones, ones, Tap(ref row, Unsafe.Add(ref offset, k + 10), Unsafe.Add(ref shift, k + 10), Unsafe.Add(ref mask, k + 10)), Tap(ref row, Unsafe.Add(ref offset, k + 11), Unsafe.Add(ref shift, k + 11), Unsafe.Add(ref mask, k + 11)));
            FullAdd(out foursA, out twos, twos, twosA, twosB);
            FullAdd(out twosA, out ones, ones, Tap(ref row, Unsafe.Add(ref offset, k + 12), Unsafe.Add(ref shift, k + 12), Unsafe.Add(ref mask, k + 12)), Tap(ref row, Unsafe.Add(ref offset, k + 13), Unsafe.Add(ref shift, k + 13), Unsafe.Add(ref mask, k + 13)));
            FullAdd(out twosB, out ones, ones, Tap(ref row, Unsafe.Add(ref offset, k + 14), Unsafe.Add(ref shift, k + 14), Unsafe.Add(ref mask, k + 14)), Tap(ref row, Unsafe.Add(ref offset, k + 15), Unsafe.Add(ref shift, k + 15), Unsafe.Add(ref mask, k + 15)));
            FullAdd(out foursB, out twos, twos, twosA, twosB);
            FullAdd(out var eightsB, out fours, fours, foursA, foursB);
            FullAdd(out var carry, out eights, eights, eightsA, eightsB);
            for (var b = 4; b < MaxPlanes && carry != Vector512<uint>.Zero; b++)
            {
                var next = counter[b] & carry;
                counter[b] ^= carry;
                carry = next;
            }
        }
        (counter[0], counter[1], counter[2], counter[3]) = (ones, twos, fours, eights);
        for (; k < total; k++)
        {
            var carry = Tap(ref row, Unsafe.Add(ref offset, k), Unsafe.Add(ref shift, k), Unsafe.Add(ref mask, k));
            for (var b = 0; b < MaxPlanes && carry != Vector512<uint>.Zero; b++)
            {
                var next = counter[b] & carry;
                counter[b] ^= carry;
                carry = next;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void FullAdd(out Vector512<uint> carry, out Vector512<uint> sum, Vector512<uint> a, Vector512<uint> b, Vector512<uint> c)
    {
        if (Avx512F.IsSupported)
        {
            sum = Avx512F.TernaryLogic(a, b, c, 0x96);   // a ^ b ^ c
            carry = Avx512F.TernaryLogic(a, b, c, 0xE8); // majority(a, b, c)
            return;
        }
        var ab = a ^ b;
        sum = ab ^ c;
        carry = (a & b) | (ab & c);
    }

    /// <summary>Fires where Q ≥ U (or Q &lt; U): the borrow of Q - U, plane by plane from the lowest.</summary>
    internal static Vector512<uint> Compare(ReadOnlySpan<Vector512<uint>> q, ReadOnlySpan<Vector512<uint>> bound, bool below)
    {
        // Q ≤ windowBits < 2^planes: its planes above the bound's are zero.
        var borrow = Vector512<uint>.Zero;
        for (var b = 0; b < bound.Length; b++)
        {
            var (x, u) = (q[b], bound[b]);
            borrow = Vector512.AndNot(u, x) | (~(x ^ u) & borrow);
        }
        return below ? borrow : ~borrow;
    }

    /// <summary>Each input channel's rows as words (bit x set for a value ≥ 0), padding rows zero.</summary>
    private void PackRows(ReadOnlySpan<float> input, Span<uint> rows)
    {
        rows.Clear();
        for (var ci = 0; ci < channels; ci++)
        {
            for (var y = 0; y < height; y++)
            {
                var values = input.Slice((ci * height + y) * width, width);
                uint word = 0;
                if (width >= 16 && Vector512.IsHardwareAccelerated)
                {
                    word = (uint)Vector512.GreaterThanOrEqual(Vector512.Create(values), Vector512<float>.Zero).ExtractMostSignificantBits();
                    var last = width - 16;
                    word |= (uint)Vector512.GreaterThanOrEqual(Vector512.Create(values.Slice(last)), Vector512<float>.Zero).ExtractMostSignificantBits() << last;
                }
                else
                {
                    for (var x = 0; x < width; x++)
                        if (values[x] >= 0) word |= 1u << x;
                }
                rows[ci * rowsPerChannel + y + padding] = word;
            }
        }
    }
}
