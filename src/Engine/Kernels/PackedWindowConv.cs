using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qnn.Engine.Kernels;

/// <summary>
/// A binary convolution on ±1 inputs as packed im2col and a binary GEMM whose output is bits.
/// The input is packed once into a zero-padded image of pixel words (one bit per channel of the
/// group, at most 32), then into "strips" (the kernel's row of taps at each pixel, kernel·channels
/// ≤ 64 bits), so that a window is kernel word insertions; every 8 output channels take the window
/// with one XOR and a nibble-lookup popcount per window word against a vector holding those
/// channels' words (weights reordered to [tap, channel] bit order). Taps in the padding hold 0 in
/// the image; at border positions a validity window (data independent, built from an all-ones
/// image) masks them, so z = inside bits - 2·differing inside bits as in training. Sign outputs are
/// compared 8 at a time against the thresholds' firing ranges and set bits in per-position masks
/// (channel-major words: bit c%32 of masks[(c/32)·positions + position]); logits are written directly.
/// </summary>
internal sealed class PackedWindowConv
{
    private readonly int channels, height, width, kernel, stride, padding, dilation, groups;
    private readonly int perGroupIn, perGroupOut, outChannels, outHeight, outWidth, octs;
    private readonly int paddedHeight, paddedWidth, stripWidth, stripBits, windowBits, windowWords;
    /// <summary>[group, oct, window word, lane]: word k of output channel group·perGroupOut + oct·8 + lane.</summary>
    private readonly ulong[] weights;
    /// <summary>Per output channel, the closed range of z that fires (sign outputs).</summary>
    private readonly long[]? low, high;
    /// <summary>The same tables as vectors: [group·octs + oct, word] weights, per oct firing ranges.</summary>
    private readonly Vector512<ulong>[] weightVectors;
    private readonly Vector512<long>[] lowVectors, highVectors;
    private readonly bool[] rowInside, colInside;
    /// <summary>The strips of an image whose inside pixels have every channel bit set.</summary>
    private readonly ulong[] validStrips;
    private readonly LayerOutput output;

    /// <summary>Whether the kernel covers a layer: ±1 inputs, at most 32 channels per group and a
    /// kernel row of taps within one word.</summary>
    public static bool Covers(int channels, int groups, int kernel, bool codeInputs) =>
        !codeInputs && channels / groups <= 32 && kernel * (channels / groups) <= 64;

    public PackedWindowConv(int[] inputShape, int outChannels, int kernel, int stride, int padding, int dilation, int groups,
        ReadOnlySpan<ulong> packedWeights, LayerOutput output)
    {
        (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2]);
        (this.outChannels, this.kernel, this.stride, this.padding, this.dilation, this.groups, this.output) =
            (outChannels, kernel, stride, padding, dilation, groups, output);
        perGroupIn = channels / groups;
        perGroupOut = outChannels / groups;
        octs = (perGroupOut + 7) / 8;
        paddedHeight = height + 2 * padding;
        paddedWidth = width + 2 * padding;
        var reach = (kernel - 1) * dilation;
        outHeight = paddedHeight - reach <= 0 ? 0 : (paddedHeight - reach - 1) / stride + 1;
        outWidth = paddedWidth - reach <= 0 ? 0 : (paddedWidth - reach - 1) / stride + 1;
        stripWidth = Math.Max(0, paddedWidth - reach);
        stripBits = kernel * perGroupIn;
        windowBits = kernel * stripBits;
        windowWords = BitPacking.WordsFor(windowBits);
        var taps = kernel * kernel;
        weights = new ulong[groups * octs * windowWords * 8];
        for (var c = 0; c < outChannels; c++)
        {
            var (g, j) = (c / perGroupOut, c % perGroupOut);
            var row = packedWeights.Slice(c * windowWords, windowWords);
            for (var ci = 0; ci < perGroupIn; ci++)
                for (var tap = 0; tap < taps; tap++)
                {
                    var from = ci * taps + tap;
                    if (((row[from >> 6] >> (from & 63)) & 1) == 0) continue;
                    var to = tap * perGroupIn + ci;
                    weights[((g * octs + j / 8) * windowWords + (to >> 6)) * 8 + j % 8] |= 1UL << (to & 63);
                }
        }
        if (output.Thresholds is { } thresholds)
        {
            (low, high) = (new long[groups * octs * 8], new long[groups * octs * 8]);
            // Lanes past the group's channels never fire.
            low.AsSpan().Fill(1);
            for (var c = 0; c < outChannels; c++)
                (low[c / perGroupOut * octs * 8 + c % perGroupOut], high[c / perGroupOut * octs * 8 + c % perGroupOut]) = thresholds[c].FiringRange;
        }
        weightVectors = MemoryMarshal.Cast<ulong, Vector512<ulong>>(weights).ToArray();
        lowVectors = low is null ? [] : MemoryMarshal.Cast<long, Vector512<long>>(low).ToArray();
        highVectors = high is null ? [] : MemoryMarshal.Cast<long, Vector512<long>>(high).ToArray();
        rowInside = Enumerable.Range(0, outHeight).Select(o => Inside(o, height)).ToArray();
        colInside = Enumerable.Range(0, outWidth).Select(o => Inside(o, width)).ToArray();
        var ones = new uint[paddedHeight * paddedWidth];
        var all = perGroupIn == 32 ? uint.MaxValue : (1u << perGroupIn) - 1;
        for (var y = 0; y < height; y++)
            ones.AsSpan((y + padding) * paddedWidth + padding, width).Fill(all);
        validStrips = new ulong[paddedHeight * stripWidth];
        BuildStrips(ones, validStrips);
    }

    private bool Inside(int o, int size) => o * stride >= padding && o * stride + (kernel - 1) * dilation < padding + size;

    /// <summary>Output positions.</summary>
    public int Positions => outHeight * outWidth;
    /// <summary>Mask words (uint) per position, one per 32 output channels.</summary>
    public int MaskWords => (outChannels + 31) / 32;
    /// <summary>Pixel words (uint) of the padded image.</summary>
    public int PixelCount => paddedHeight * paddedWidth;
    /// <summary>Strip words.</summary>
    public int StripCount => paddedHeight * stripWidth;

    /// <summary>
    /// One sample: sign outputs as bits into <paramref name="masks"/> (<see cref="MaskWords"/>·positions words),
    /// or logits into <paramref name="logits"/> (channel-major).
    /// </summary>
    public void Run(ReadOnlySpan<float> input, Span<uint> masks, Span<float> logits, Span<uint> pixels, Span<ulong> strips,
        Span<ulong> window, Span<ulong> valid, bool vectors)
    {
        var signs = low is not null;
        if (signs)
            masks.Slice(0, MaskWords * Positions).Clear();
        for (var g = 0; g < groups; g++)
        {
            PackPixels(input.Slice(g * perGroupIn * height * width, perGroupIn * height * width), pixels, vectors);
            BuildStrips(pixels, strips);
            for (var oy = 0; oy < outHeight; oy++)
            {
                for (var ox = 0; ox < outWidth; ox++)
                {
                    var position = oy * outWidth + ox;
                    BuildWindow(strips, oy, ox, window);
                    var inside = windowBits;
                    var border = !(rowInside[oy] && colInside[ox]);
                    if (border)
                    {
                        BuildWindow(validStrips, oy, ox, valid);
                        inside = 0;
                        foreach (var word in valid) inside += BitOperations.PopCount(word);
                    }
                    if (vectors && Avx512BW.IsSupported && signs)
                    {
                        VectorSigns(window, valid, border, inside, g, position, masks);
                        continue;
                    }
                    for (var o = 0; o < octs; o++)
                    {
                        var first = g * perGroupOut + o * 8;
                        var lanes = Math.Min(8, perGroupOut - o * 8);
                        var table = weights.AsSpan(((g * octs + o) * windowWords) * 8, windowWords * 8);
                        for (var lane = 0; lane < lanes; lane++)
                        {
                            var differing = 0;
                            for (var k = 0; k < windowWords; k++)
                            {
                                var bits = window[k] ^ table[k * 8 + lane];
                                differing += BitOperations.PopCount(border ? bits & valid[k] : bits);
                            }
                            var z = inside - 2L * differing;
                            if (signs)
                            {
                                var at = (g * octs + o) * 8 + lane;
                                if (low![at] <= z && z <= high![at])
                                    SetBits(masks, first + lane, position, 1);
                            }
                            else
                            {
                                logits[(first + lane) * Positions + position] = output.Apply(first + lane, z);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Every output channel of group <paramref name="group"/> at one position, 8 at a time:
    /// per lane popcount(window XOR the lane's weights [AND valid]) by nibble lookup, byte counts
    /// summed over up to 16 words before the horizontal byte sum; then the firing ranges.</summary>
    private void VectorSigns(ReadOnlySpan<ulong> window, ReadOnlySpan<ulong> valid, bool border, int inside, int group, int position, Span<uint> masks)
    {
        ref var columns = ref MemoryMarshal.GetArrayDataReference(weightVectors);
        ref var word = ref MemoryMarshal.GetReference(window);
        ref var validWord = ref MemoryMarshal.GetReference(valid);
        var insideCount = Vector512.Create((long)inside);
        // The nibble counts and mask as locals, so that the loop keeps them in registers.
        var nibbles = Vector512.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var low4 = Vector512.Create((byte)0x0f);
        for (var o = 0; o < octs; o++)
        {
            var index = group * octs + o;
            ref var column = ref Unsafe.Add(ref columns, index * windowWords);
            var (bytes, sum) = (Vector512<byte>.Zero, Vector512<ulong>.Zero);
            for (var k = 0; k < windowWords; k++)
            {
                var bits = Vector512.Create(Unsafe.Add(ref word, k)) ^ Unsafe.Add(ref column, k);
                if (border) bits &= Vector512.Create(Unsafe.Add(ref validWord, k));
                var b = bits.AsByte();
                bytes += Avx512BW.Shuffle(nibbles, b & low4) + Avx512BW.Shuffle(nibbles, Avx512BW.ShiftRightLogical(b.AsUInt16(), 4).AsByte() & low4);
                if ((k & 15) == 15)
                {
                    sum += Avx512BW.SumAbsoluteDifferences(bytes, Vector512<byte>.Zero).AsUInt64();
                    bytes = Vector512<byte>.Zero;
                }
            }
            sum += Avx512BW.SumAbsoluteDifferences(bytes, Vector512<byte>.Zero).AsUInt64();
            var z = insideCount - (sum.AsInt64() << 1);
            var fires = Vector512.GreaterThanOrEqual(z, lowVectors[index]) & Vector512.LessThanOrEqual(z, highVectors[index]);
            SetBits(masks, group * perGroupOut + o * 8, position, (uint)fires.ExtractMostSignificantBits());
        }
    }

    /// <summary>ORs the low bits of <paramref name="bits"/> (up to 8 channels from channel <paramref name="first"/>) into a position's mask.</summary>
    private void SetBits(Span<uint> masks, int first, int position, uint bits)
    {
        if (bits == 0) return;
        var (word, shift) = (first >> 5, first & 31);
        masks[word * Positions + position] |= bits << shift;
        if (shift > 24 && (bits >> (32 - shift)) != 0)
            masks[(word + 1) * Positions + position] |= bits >> (32 - shift);
    }

    /// <summary>The group's channels as bits of the zero-padded pixel image (bit ci set for a value ≥ 0).</summary>
    private void PackPixels(ReadOnlySpan<float> input, Span<uint> pixels, bool vectors)
    {
        pixels.Slice(0, PixelCount).Clear();
        var plane = height * width;
        // Without padding a channel's plane is one run in both layouts.
        var (runs, run) = padding == 0 ? (1, plane) : (height, width);
        for (var ci = 0; ci < perGroupIn; ci++)
        {
            var bit = 1u << ci;
            for (var y = 0; y < runs; y++)
            {
                var values = input.Slice(ci * plane + y * run, run);
                var words = pixels.Slice((y + padding) * paddedWidth + padding, run);
                var x = 0;
                if (vectors && Vector512.IsHardwareAccelerated && run >= 16)
                {
                    // The last run ends at the row's end, overlapping the one before: OR twice is OR once.
                    var set = Vector512.Create(bit);
                    for (; x < run; x += 16)
                    {
                        x = Math.Min(x, run - 16);
                        var fires = Vector512.GreaterThanOrEqual(Vector512.Create(values.Slice(x, 16)), Vector512<float>.Zero).AsUInt32();
                        (Vector512.Create((ReadOnlySpan<uint>)words.Slice(x, 16)) | (fires & set)).CopyTo(words.Slice(x, 16));
                    }
                }
                for (; x < run; x++)
                {
                    if (values[x] >= 0) words[x] |= bit;
                }
            }
        }
    }

    /// <summary>strips[y, x] = Σ_kx pixel[y, x + kx·dilation] shifted to bits kx·channels.</summary>
    private void BuildStrips(ReadOnlySpan<uint> pixels, Span<ulong> strips)
    {
        for (var y = 0; y < paddedHeight; y++)
        {
            var row = pixels.Slice(y * paddedWidth, paddedWidth);
            var into = strips.Slice(y * stripWidth, stripWidth);
            for (var x = 0; x < stripWidth; x++)
            {
                ulong strip = 0;
                for (var kx = 0; kx < kernel; kx++)
                    strip |= (ulong)row[x + kx * dilation] << (kx * perGroupIn);
                into[x] = strip;
            }
        }
    }

    /// <summary>The window of output (oy, ox): its kernel rows' strips one after another.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void BuildWindow(ReadOnlySpan<ulong> strips, int oy, int ox, Span<ulong> window)
    {
        for (var k = 0; k < window.Length; k++) window[k] = 0;
        var (top, left) = (oy * stride, ox * stride);
        for (var ky = 0; ky < kernel; ky++)
        {
            var strip = strips[(top + ky * dilation) * stripWidth + left];
            var at = ky * stripBits;
            var (word, shift) = (at >> 6, at & 63);
            window[word] |= strip << shift;
            if (shift != 0 && shift + stripBits > 64)
                window[word + 1] |= strip >> (64 - shift);
        }
    }
}
