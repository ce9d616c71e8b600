using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Qnn.Engine.Kernels;

/// <summary>
/// The column counter of <see cref="BitSlicedConv"/> over a block of samples at once, for ±1
/// inputs at stride 1 without padding and rows of at most 32 columns (BinaryLeNet5's conv2: rows
/// of 14 in, 10 out). One sample's short rows fill little of a 16-row vector of 32-bit words, so
/// samples share the vectors: each word holds 32/F samples in fields of F = 16 or 32 bits, and a
/// channel's rows of successive word groups follow one another, so a vector's 16 rows run on into
/// the next group's rows. An output row that straddles two groups, and the top bits of a field,
/// read neighbours' data and are dropped; every other bit sees exactly its own window (without
/// padding the bound on the agreement count is the same at every position). Each input channel is
/// shifted once per kernel column, and stored as is and inverted, so that every tap is one load
/// (inverted where the weight is -1: agreements are then the set bits).
/// </summary>
internal sealed class SampleLaneConv
{
    private const int Lanes = 16;
    private const int MaxPlanes = 16;
    private readonly int channels, height, width, kernel, dilation, outChannels, outHeight, outWidth, windowBits, paddedTaps, planes;
    private readonly int fieldBits, perWord, maxSamples, planeStride, outputStride;
    /// <summary>Per output channel and tap ([ci, ky, kx] of its group): the tap's rows in the shifted
    /// planes; then up to a multiple of 16 taps on the zero plane (adding nothing), so that the counter
    /// runs whole rounds of 16 without a tail.</summary>
    private readonly int[] tapOffsets;
    /// <summary>Per output channel: whether it fires when Q &lt; U (else when Q ≥ U).</summary>
    private readonly bool[] below;
    /// <summary>[channel, plane]: the bound U's bits, all ones or zero in every lane.</summary>
    private readonly Vector512<uint>[] bounds;

    /// <summary>Whether the kernel covers a layer: ±1 inputs, stride 1, no padding, sign outputs, rows of at most 32 columns.</summary>
    public static bool Covers(int[] inputShape, int kernel, int stride, int padding, int dilation, int groups, bool codeInputs, LayerOutput output)
    {
        var reach = (kernel - 1) * dilation;
        return !codeInputs && stride == 1 && padding == 0 && output.Thresholds is not null && inputShape[2] <= 32
            && inputShape[1] > reach && inputShape[2] > reach && reach < 32
            && inputShape[0] / groups * kernel * kernel < (1 << MaxPlanes) - 1;
    }

    /// <param name="inputShape">[channels, height, width].</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernel">Kernel side.</param>
    /// <param name="dilation">Dilation.</param>
    /// <param name="groups">Groups.</param>
    /// <param name="packedWeights">Out channels × ⌈(in/groups)·k·k / 64⌉ packed sign rows, [in, ky, kx] order.</param>
    /// <param name="output">Sign outputs.</param>
    /// <param name="maxSamples">The most samples one <see cref="Run"/> takes.</param>
    public SampleLaneConv(int[] inputShape, int outChannels, int kernel, int dilation, int groups, ReadOnlySpan<ulong> packedWeights, LayerOutput output, int maxSamples)
    {
        (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2]);
        (this.outChannels, this.kernel, this.dilation, this.maxSamples) = (outChannels, kernel, dilation, maxSamples);
        var reach = (kernel - 1) * dilation;
        (outHeight, outWidth) = (height - reach, width - reach);
        fieldBits = width <= 16 ? 16 : 32;
        perWord = 32 / fieldBits;
        outputStride = Vectors(maxSamples) * Lanes;
        // Room for the last vector of rows plus the kernel's reach, in whole vectors.
        planeStride = (outputStride + reach + Lanes - 1) / Lanes * Lanes;
        var perGroupIn = channels / groups;
        var perGroupOut = outChannels / groups;
        var taps = kernel * kernel;
        windowBits = perGroupIn * taps;
        planes = 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)windowBits + 1);
        var words = BitPacking.WordsFor(windowBits);
        paddedTaps = (windowBits + 15) / 16 * 16;
        tapOffsets = new int[outChannels * paddedTaps];
        below = new bool[outChannels];
        bounds = new Vector512<uint>[outChannels * planes];
        var thresholds = output.Thresholds!;
        for (var c = 0; c < outChannels; c++)
        {
            for (var k = 0; k < windowBits; k++)
            {
                var (ci, ky, kx) = (c / perGroupOut * perGroupIn + k / taps, k % taps / kernel, k % kernel);
                var minus = ((packedWeights[c * words + (k >> 6)] >> (k & 63)) & 1) == 0;
                tapOffsets[c * paddedTaps + k] = (((ci * kernel + kx) * 2) + (minus ? 1 : 0)) * planeStride + ky * dilation;
            }
            for (var k = windowBits; k < paddedTaps; k++)
                tapOffsets[c * paddedTaps + k] = channels * kernel * 2 * planeStride;
            // Every tap is inside: z = 2Q - windowBits.
            var threshold = thresholds[c];
            below[c] = threshold.Direction is ThresholdDirection.AtMost or ThresholdDirection.Never;
            var bound = threshold.Direction switch
            {
                ThresholdDirection.AtLeast => (long)Math.Ceiling((threshold.Threshold + (double)windowBits) / 2),
                ThresholdDirection.AtMost => (long)Math.Floor((threshold.Threshold + (double)windowBits) / 2) + 1,
                _ => 0,   // Always: Q ≥ 0; Never: Q < 0.
            };
            bound = Math.Clamp(bound, 0, windowBits + 1);
            for (var b = 0; b < planes; b++)
                bounds[c * planes + b] = ((bound >> b) & 1) != 0 ? Vector512<uint>.AllBitsSet : Vector512<uint>.Zero;
        }
    }

    /// <summary>Vectors of 16 rows that cover <paramref name="samples"/> samples' rows of one channel.</summary>
    private int Vectors(int samples) => ((samples + perWord - 1) / perWord * height + Lanes - 1) / Lanes;

    /// <summary>Words of the input rows (<see cref="Place"/>).</summary>
    public int LaneWords => channels * planeStride;
    /// <summary>Words of the shifted and inverted planes.</summary>
    public int ShiftedWords => (channels * kernel * 2 + 1) * planeStride;
    /// <summary>Words of the output rows.</summary>
    public int OutputWords => outChannels * outputStride;

    /// <summary>Clears the input rows before a block's samples are placed.</summary>
    public void Clear(Span<uint> lanes) => lanes.Slice(0, LaneWords).Clear();

    /// <summary>Sample <paramref name="sample"/>'s input as row bits (channel ci's row y at
    /// ci·<paramref name="rowStride"/> + y, bits past the width ignored) into its lanes.</summary>
    public void Place(ReadOnlySpan<uint> rows, int rowStride, int sample, Span<uint> lanes)
    {
        var (group, shift) = (sample / perWord, sample % perWord * fieldBits);
        var mask = width == 32 ? uint.MaxValue : (1u << width) - 1;
        for (var ci = 0; ci < channels; ci++)
        {
            var into = lanes.Slice(ci * planeStride + group * height, height);
            var from = rows.Slice(ci * rowStride, height);
            for (var y = 0; y < height; y++)
                into[y] |= (from[y] & mask) << shift;
        }
    }

    /// <summary>Sample <paramref name="sample"/>'s input as ±1 values ([channel, y, x], ≥ 0 is +1) into its lanes.</summary>
    public void PlaceSigns(ReadOnlySpan<float> values, int sample, Span<uint> lanes)
    {
        var (group, shift) = (sample / perWord, sample % perWord * fieldBits);
        for (var ci = 0; ci < channels; ci++)
            for (var y = 0; y < height; y++)
            {
                var row = values.Slice((ci * height + y) * width, width);
                uint word = 0;
                for (var x = 0; x < width; x++)
                    if (row[x] >= 0) word |= 1u << x;
                lanes[ci * planeStride + group * height + y] |= word << shift;
            }
    }

    /// <summary>The first <paramref name="samples"/> placed samples' output bits into <paramref name="output"/>
    /// (read them with <see cref="Take"/>).</summary>
    public void Run(ReadOnlySpan<uint> lanes, int samples, Span<uint> shifted, Span<uint> output)
    {
        if (samples < 1 || samples > maxSamples)
            throw new ArgumentOutOfRangeException(nameof(samples), $"{samples} samples, 1 to {maxSamples}");
        var vectors = Vectors(samples);
        var rowsNeeded = (vectors * Lanes + (kernel - 1) * dilation + Lanes - 1) / Lanes * Lanes;
        var source = MemoryMarshal.Cast<uint, Vector512<uint>>(lanes.Slice(0, LaneWords));
        var planesOut = MemoryMarshal.Cast<uint, Vector512<uint>>(shifted.Slice(0, ShiftedWords));
        var perPlane = planeStride / Lanes;
        for (var ci = 0; ci < channels; ci++)
            for (var kx = 0; kx < kernel; kx++)
            {
                var (from, shift) = (ci * perPlane, kx * dilation);
                var to = (ci * kernel + kx) * 2 * perPlane;
                for (var v = 0; v < rowsNeeded / Lanes; v++)
                {
                    var words = Vector512.ShiftRightLogical(source[from + v], shift);
                    planesOut[to + v] = words;
                    planesOut[to + perPlane + v] = ~words;
                }
            }
        planesOut.Slice(channels * kernel * 2 * perPlane, rowsNeeded / Lanes).Clear();
        Span<Vector512<uint>> counter = stackalloc Vector512<uint>[MaxPlanes];
        ref var first = ref MemoryMarshal.GetReference(shifted);
        for (var j = 0; j < vectors; j++)
        {
            ref var at = ref Unsafe.Add(ref first, j * Lanes);
            for (var c = 0; c < outChannels; c++)
            {
                Count(ref at, tapOffsets.AsSpan(c * paddedTaps, paddedTaps), planes, counter);
                BitSlicedConv.Compare(counter, bounds.AsSpan(c * planes, planes), below[c]).StoreUnsafe(ref MemoryMarshal.GetReference(output), (nuint)(c * outputStride + j * Lanes));
            }
        }
    }

    /// <summary>Sample <paramref name="sample"/>'s output bits as rows: channel c's row oy at
    /// c·outHeight + oy, bits past the output width clear.</summary>
    public void Take(ReadOnlySpan<uint> output, int sample, Span<uint> rows)
    {
        var (group, shift) = (sample / perWord, sample % perWord * fieldBits);
        var mask = outWidth == 32 ? uint.MaxValue : (1u << outWidth) - 1;
        for (var c = 0; c < outChannels; c++)
        {
            var from = output.Slice(c * outputStride + group * height, outHeight);
            var into = rows.Slice(c * outHeight, outHeight);
            for (var oy = 0; oy < outHeight; oy++)
                into[oy] = (from[oy] >> shift) & mask;
        }
    }

    /// <summary>The bit planes of Q (agreements over the taps) into <paramref name="counter"/>: a
    /// Harley–Seal counter as <see cref="BitSlicedConv"/>'s, every tap one load.</summary>
    private static void Count(ref uint at, ReadOnlySpan<int> offsets, int planes, Span<Vector512<uint>> counter)
    {
        counter.Clear();
        Vector512<uint> ones = default, twos = default, fours = default, eights = default;
        ref var offset = ref MemoryMarshal.GetReference(offsets);
        for (var k = 0; k < offsets.Length; k += 16)
        {
            ref var o = ref Unsafe.Add(ref offset, k);
            BitSlicedConv.FullAdd(out var twosA, out ones, ones, Load(ref at, o), Load(ref at, Unsafe.Add(ref o, 1)));
            BitSlicedConv.FullAdd(out var twosB, out ones, ones, Load(ref at, Unsafe.Add(ref o, 2)), Load(ref at, Unsafe.Add(ref o, 3)));
            BitSlicedConv.FullAdd(out var foursA, out twos, twos, twosA, twosB);
            BitSlicedConv.FullAdd(out twosA, out ones, ones, Load(ref at, Unsafe.Add(ref o, 4)), Load(ref at, Unsafe.Add(ref o, 5)));
            BitSlicedConv.FullAdd(out twosB, out ones, ones, Load(ref at, Unsafe.Add(ref o, 6)), Load(ref at, Unsafe.Add(ref o, 7)));
            BitSlicedConv.FullAdd(out var foursB, out twos, twos, twosA, twosB);
            BitSlicedConv.FullAdd(out var eightsA, out fours, fours, foursA, foursB);
            BitSlicedConv.FullAdd(out twosA, out ones, ones, Load(ref at, Unsafe.Add(ref o, 8)), Load(ref at, Unsafe.Add(ref o, 9)));
            BitSlicedConv.FullAdd(out twosB, out ones, ones, Load(ref at, Unsafe.Add(ref o, 10)), Load(ref at, Unsafe.Add(ref o, 11)));
            BitSlicedConv.FullAdd(out foursA, out twos, twos, twosA, twosB);
            BitSlicedConv.FullAdd(out twosA, out ones, ones, Load(ref at, Unsafe.Add(ref o, 12)), Load(ref at, Unsafe.Add(ref o, 13)));
            BitSlicedConv.FullAdd(out twosB, out ones, ones, Load(ref at, Unsafe.Add(ref o, 14)), Load(ref at, Unsafe.Add(ref o, 15)));
            BitSlicedConv.FullAdd(out foursB, out twos, twos, twosA, twosB);
            BitSlicedConv.FullAdd(out var eightsB, out fours, fours, foursA, foursB);
            BitSlicedConv.FullAdd(out var carry, out eights, eights, eightsA, eightsB);
            // Q < 2^planes: the ripple stops there, a fixed number of steps (no data-dependent branch).
            for (var b = 4; b < planes; b++)
            {
                var next = counter[b] & carry;
                counter[b] ^= carry;
                carry = next;
            }
        }
        (counter[0], counter[1], counter[2], counter[3]) = (ones, twos, fours, eights);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Load(ref uint at, int offset) => Vector512.LoadUnsafe(ref at, (nuint)offset);
}
