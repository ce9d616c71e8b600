using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qnn.Engine.Kernels;

/// <summary>
/// A binary convolution on integer input codes at stride 1 as shifted-plane additions held in
/// registers: the input is copied once into a zero-padded buffer; for each output channel and
/// each run of 16 output positions along a row, the sum Σ(codes under +1 taps) - Σ(codes under -1
/// taps) is accumulated in one vector (each tap is a load at a fixed offset) and goes straight
/// through the channel's output transform. Sums are integers in float32, exact while |z| stays
/// below 2^24 (checked per sample: <see cref="Run"/> returns false otherwise).
/// </summary>
internal sealed class CodePlaneConv
{
    private readonly int channels, height, width, padding, outChannels, outHeight, outWidth;
    private readonly int paddedHeight, paddedWidth, windowBits, kernel, dilation, perGroupIn;
    /// <summary>Per output channel, windowBits offsets into the padded input: the +1 taps' first.</summary>
    private readonly int[] offsets;
    private readonly int[] positives;
    /// <summary>Output channels a group.</summary>
    private readonly int groupOutputs;
    private readonly LayerOutput output;
    /// <summary>Per output channel, the firing range of z (sign outputs).</summary>
    private readonly int[]? low, high;

    /// <param name="inputShape">[channels, height, width].</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernel">Kernel side.</param>
    /// <param name="padding">Zero padding.</param>
    /// <param name="dilation">Dilation.</param>
    /// <param name="groups">Groups.</param>
    /// <param name="signs">Each weight as ±1, [out channel, in channel of the group, tap].</param>
    /// <param name="output">The output transform.</param>
    public CodePlaneConv(int[] inputShape, int outChannels, int kernel, int padding, int dilation, int groups, ReadOnlySpan<sbyte> signs, LayerOutput output)
    {
        (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2]);
        (this.outChannels, this.padding, this.output) = (outChannels, padding, output);
        (paddedHeight, paddedWidth) = (height + 2 * padding, width + 2 * padding);
        var reach = (kernel - 1) * dilation;
        outHeight = Math.Max(0, paddedHeight - reach);
        outWidth = Math.Max(0, paddedWidth - reach);
        (this.kernel, this.dilation) = (kernel, dilation);
        perGroupIn = channels / groups;
        var perGroupOut = outChannels / groups;
        groupOutputs = perGroupOut;
        var taps = kernel * kernel;
        windowBits = perGroupIn * taps;
        offsets = new int[outChannels * windowBits];
        positives = new int[outChannels];
        for (var c = 0; c < outChannels; c++)
        {
            var list = offsets.AsSpan(c * windowBits, windowBits);
            var (plus, minus) = (0, windowBits - 1);
            for (var ci = 0; ci < perGroupIn; ci++)
                for (var tap = 0; tap < taps; tap++)
                {
                    var at = (c / perGroupOut * perGroupIn + ci) * paddedHeight * paddedWidth + tap / kernel * dilation * paddedWidth + tap % kernel * dilation;
                    if (signs[c * windowBits + ci * taps + tap] > 0) list[plus++] = at;
                    else list[minus--] = at;
                }
            positives[c] = plus;
        }
        if (output.Thresholds is { } thresholds)
        {
            (low, high) = (new int[outChannels], new int[outChannels]);
            for (var c = 0; c < outChannels; c++)
                (low[c], high[c]) = thresholds[c].FiringRange;
        }
    }

    /// <summary>Whether <see cref="RunRows"/> covers the layer: sign outputs, output rows of at most 32.</summary>
    public bool RowsFit => low is not null && outWidth <= 32;

    /// <summary>Int16 codes of the padded copy for <see cref="RunRows"/>, with slack for a run of 32 reading past the end.</summary>
    public int PaddedShorts => channels * paddedHeight * paddedWidth + Vector512<short>.Count;

    /// <summary>
    /// One sample as output row bits (bit x of rows[c·outHeight + oy] set where output (c, oy, x)
    /// is +1; bits past the width clear): the same sums in int16, a whole output row of up to 32 in
    /// one vector, compared against the firing range and gathered as a mask. False when a sum could
    /// leave int16 (nothing written).
    /// </summary>
    public bool RunRows(ReadOnlySpan<float> input, Span<short> padded, Span<uint> rows, bool vectors)
    {
        var largest = LargestMagnitude(input.Slice(0, channels * height * width));
        if ((double)largest * windowBits >= short.MaxValue)
            return false;
        padded = padded.Slice(0, PaddedShorts);
        padded.Clear();
        for (var c = 0; c < channels; c++)
            for (var y = 0; y < height; y++)
            {
                var from = input.Slice((c * height + y) * width, width);
                var to = padded.Slice((c * paddedHeight + y + padding) * paddedWidth + padding, width);
                var x = 0;
                if (vectors && Avx512BW.IsSupported && width >= 16)
                {
                    // 16 codes at a time; the last run ends at the row's end (the same values twice).
                    for (; x < width; x += 16)
                    {
                        x = Math.Min(x, width - 16);
                        Avx512BW.ConvertToVector256Int16(Avx512F.ConvertToVector512Int32(Vector512.Create(from.Slice(x, 16)))).CopyTo(to.Slice(x, 16));
                    }
                }
                for (; x < width; x++) to[x] = (short)from[x];
            }
        var widthMask = outWidth == 32 ? uint.MaxValue : (1u << outWidth) - 1;
        if (vectors && Vector512.IsHardwareAccelerated)
        {
            VectorRows(padded, rows, widthMask);
            return true;
        }
        for (var c = 0; c < outChannels; c++)
        {
            var list = offsets.AsSpan(c * windowBits, windowBits);
            var plus = positives[c];
            var (lowest, highest) = ShortRange(c);
            for (var oy = 0; oy < outHeight; oy++)
            {
                var start = oy * paddedWidth;
                uint bits = 0;
                for (var x = 0; x < outWidth; x++)
                {
                    var z = 0;
                    for (var i = 0; i < list.Length; i++) z += (i < plus ? 1 : -1) * padded[start + x + list[i]];
                    if (lowest <= z && z <= highest) bits |= 1u << x;
                }
                rows[c * outHeight + oy] = bits & widthMask;
            }
        }
        return true;
    }

    /// <summary>Channel c's firing range in int16: |z| &lt; 2^15 - 1, so bounds beyond clamp to ones no z reaches.</summary>
    private (short Low, short High) ShortRange(int c) =>
        ((short)Math.Clamp(low![c], short.MinValue, short.MaxValue), (short)Math.Clamp(high![c], short.MinValue, short.MaxValue));

    /// <summary>
    /// <see cref="RunRows"/> by vectors, a row of each group at a time: the sum S of every tap's
    /// codes is taken once for the group's channels, then each channel sums only its fewer taps, M
    /// of one sign: z = M - (S - M) for +1 taps, (S - M) - M for -1 taps (every partial sum stays
    /// within |S| &lt; 2^15, so int16 is exact).
    /// </summary>
    private void VectorRows(ReadOnlySpan<short> padded, Span<uint> rows, uint widthMask)
    {
        ref var source = ref MemoryMarshal.GetReference(padded);
        // The sum S of every tap is shared vertically: each padded row's sum over the group's
        // channels and kernel columns once, then S of an output row adds k of those.
        Span<Vector512<short>> rowSums = paddedHeight <= 256 ? stackalloc Vector512<short>[paddedHeight] : default;
        Span<Vector512<short>> totals = outHeight <= 256 ? stackalloc Vector512<short>[outHeight] : new Vector512<short>[outHeight];
        var plane = paddedHeight * paddedWidth;
        for (var first = 0; first < outChannels; first += groupOutputs)
        {
            var all = offsets.AsSpan(first * windowBits, windowBits);
            if (!rowSums.IsEmpty)
            {
                ref var groupStart = ref Unsafe.Add(ref source, first / groupOutputs * perGroupIn * plane);
                for (var y = 0; y < paddedHeight; y++)
                {
                    var sum = Vector512<short>.Zero;
                    for (var ci = 0; ci < perGroupIn; ci++)
                        for (var kx = 0; kx < kernel; kx++)
                            sum += Vector512.LoadUnsafe(ref groupStart, (nuint)(ci * plane + y * paddedWidth + kx * dilation));
                    rowSums[y] = sum;
                }
            }
            // Each output row's S, then channel by channel (its taps and bounds held) row by row.
            for (var oy = 0; oy < outHeight; oy++)
            {
                var total = Vector512<short>.Zero;
                if (rowSums.IsEmpty)
                {
                    ref var at = ref Unsafe.Add(ref source, oy * paddedWidth);
                    foreach (var offset in all) total += Vector512.LoadUnsafe(ref at, (nuint)offset);
                }
                else
                {
                    for (var ky = 0; ky < kernel; ky++) total += rowSums[oy + ky * dilation];
                }
                totals[oy] = total;
            }
            for (var c = first; c < first + groupOutputs; c++)
            {
                var list = offsets.AsSpan(c * windowBits, windowBits);
                var plus = positives[c];
                var fewerPlus = plus <= windowBits - plus;
                var few = fewerPlus ? list.Slice(0, plus) : list.Slice(plus);
                var (lowest, highest) = ShortRange(c);
                var (low, high) = (Vector512.Create(lowest), Vector512.Create(highest));
                var into = rows.Slice(c * outHeight, outHeight);
                // Two rows at a time: one pass over the taps, two independent sums.
                var oy = 0;
                for (; oy + 2 <= outHeight; oy += 2)
                {
                    ref var at = ref Unsafe.Add(ref source, oy * paddedWidth);
                    ref var below = ref Unsafe.Add(ref at, paddedWidth);
                    var (sum, next) = (Vector512<short>.Zero, Vector512<short>.Zero);
                    foreach (var offset in few)
                    {
                        sum += Vector512.LoadUnsafe(ref at, (nuint)offset);
                        next += Vector512.LoadUnsafe(ref below, (nuint)offset);
                    }
                    into[oy] = Fires(sum, totals[oy], fewerPlus, low, high) & widthMask;
                    into[oy + 1] = Fires(next, totals[oy + 1], fewerPlus, low, high) & widthMask;
                }
                for (; oy < outHeight; oy++)
                {
                    ref var at = ref Unsafe.Add(ref source, oy * paddedWidth);
                    var sum = Vector512<short>.Zero;
                    foreach (var offset in few) sum += Vector512.LoadUnsafe(ref at, (nuint)offset);
                    into[oy] = Fires(sum, totals[oy], fewerPlus, low, high) & widthMask;
                }
            }
        }
    }

    /// <summary>Where z = ±(sum of the fewer taps) ∓ (the rest) lies in [low, high], one bit a lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Fires(Vector512<short> sum, Vector512<short> total, bool fewerPlus, Vector512<short> low, Vector512<short> high)
    {
        var z = fewerPlus ? sum - (total - sum) : total - sum - sum;
        return (uint)(Vector512.GreaterThanOrEqual(z, low) & Vector512.LessThanOrEqual(z, high)).ExtractMostSignificantBits();
    }

    /// <summary>Floats of the padded copy, with slack for the last run of 16 reading past a row's end.</summary>
    public int PaddedFloats => channels * paddedHeight * paddedWidth + Vector512<float>.Count;

    /// <summary>One sample, channel-major out; false when a sum could reach 2^24 (nothing written).</summary>
    public bool Run(ReadOnlySpan<float> input, Span<float> into, Span<float> padded, bool vectors)
    {
        var largest = LargestMagnitude(input.Slice(0, channels * height * width));
        if ((double)largest * windowBits >= 1 << 24)
            return false;
        padded = padded.Slice(0, PaddedFloats);
        padded.Clear();
        for (var c = 0; c < channels; c++)
            for (var y = 0; y < height; y++)
                input.Slice((c * height + y) * width, width).CopyTo(padded.Slice((c * paddedHeight + y + padding) * paddedWidth + padding, width));
        Span<float> run = stackalloc float[16];
        ref var source = ref MemoryMarshal.GetReference(padded);
        var plane = outHeight * outWidth;
        for (var c = 0; c < outChannels; c++)
        {
            var list = offsets.AsSpan(c * windowBits, windowBits);
            var plus = positives[c];
            if (low is not null && outWidth >= 16 && vectors && Vector512.IsHardwareAccelerated)
            {
                // Bounds beyond ±2^24 round as floats but still lie beyond every z.
                SignRows(ref source, list, plus, Vector512.Create((float)low[c]), Vector512.Create((float)high![c]), into.Slice(c * plane, plane));
                continue;
            }
            for (var oy = 0; oy < outHeight; oy++)
            {
                for (var x = 0; x < outWidth; x += 16)
                {
                    var start = oy * paddedWidth + x;
                    var count = Math.Min(16, outWidth - x);
                    if (vectors && Vector512.IsHardwareAccelerated)
                        Sum(ref source, start, list, plus).CopyTo(run);
                    else
                        ScalarSum(padded, start, list, plus, run);
                    output.ApplyChannel(c, run.Slice(0, count), into.Slice(c * plane + oy * outWidth + x, count));
                }
            }
        }
        return true;
    }

    /// <summary>One channel's sign outputs, 16 positions at a time along each row; a row's last
    /// run ends at its end (overlapping the one before, which computes the same values).</summary>
    private void SignRows(ref float source, ReadOnlySpan<int> list, int plus, Vector512<float> low, Vector512<float> high, Span<float> into)
    {
        var (one, minusOne) = (Vector512.Create(1f), Vector512.Create(-1f));
        ref var target = ref MemoryMarshal.GetReference(into);
        for (var oy = 0; oy < outHeight; oy++)
        {
            for (var x = 0; x < outWidth; x += 16)
            {
                x = Math.Min(x, outWidth - 16);
                var z = Sum(ref source, oy * paddedWidth + x, list, plus);
                var fires = Vector512.GreaterThanOrEqual(z, low) & Vector512.LessThanOrEqual(z, high);
                Vector512.ConditionalSelect(fires, one, minusOne).StoreUnsafe(ref target, (nuint)(oy * outWidth + x));
            }
        }
    }

    /// <summary>The largest |code| (NaN counts as infinitely large, so that it takes the exact path).</summary>
    private static float LargestMagnitude(ReadOnlySpan<float> codes)
    {
        var largest = 0f;
        var i = 0;
        if (Vector512.IsHardwareAccelerated && codes.Length >= 16)
        {
            var most = Vector512<float>.Zero;
            var nan = Vector512<float>.Zero;
            for (; i + 16 <= codes.Length; i += 16)
            {
                var v = Vector512.Create(codes.Slice(i, 16));
                most = Vector512.Max(most, Vector512.Abs(v));
                nan |= ~Vector512.Equals(v, v);
            }
            if (nan != Vector512<float>.Zero)
                return float.PositiveInfinity;
            for (var k = 0; k < 16; k++) largest = MathF.Max(largest, most.GetElement(k));
        }
        for (; i < codes.Length; i++)
            largest = float.IsNaN(codes[i]) ? float.PositiveInfinity : MathF.Max(largest, MathF.Abs(codes[i]));
        return largest;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Sum(ref float source, int start, ReadOnlySpan<int> list, int plus)
    {
        ref var at = ref Unsafe.Add(ref source, start);
        var (sum, minus) = (Vector512<float>.Zero, Vector512<float>.Zero);
        for (var i = 0; i < plus; i++)
            sum += Vector512.LoadUnsafe(ref at, (nuint)list[i]);
        for (var i = plus; i < list.Length; i++)
            minus += Vector512.LoadUnsafe(ref at, (nuint)list[i]);
        return sum - minus;
    }

    private static void ScalarSum(ReadOnlySpan<float> padded, int start, ReadOnlySpan<int> list, int plus, Span<float> run)
    {
        for (var lane = 0; lane < 16; lane++)
        {
            float sum = 0, minus = 0;
            for (var i = 0; i < plus; i++) sum += padded[start + lane + list[i]];
            for (var i = plus; i < list.Length; i++) minus += padded[start + lane + list[i]];
            run[lane] = sum - minus;
        }
    }
}
