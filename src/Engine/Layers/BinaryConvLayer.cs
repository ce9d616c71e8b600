using System.Numerics;
using System.Runtime.Intrinsics;
using Qnn.Engine.Kernels;

namespace Qnn.Engine;

/// <summary>
/// A 2-D convolution with binary weights (square kernel, stride, padding, dilation, groups) on
/// [channels, height, width] values, output channel-major. Fast paths, each tested against the
/// reference below: on ±1 inputs at stride 1 with rows of at most 32 and sign outputs, a column
/// counter over output positions (<see cref="BitSlicedConv"/>; without padding also over a block of
/// samples sharing the vectors, <see cref="SampleLaneConv"/>, run by the execution plan after a
/// pooled code convolution, see <see cref="ForwardLanes"/>), where it takes fewer instructions
/// than packed windows against 8 output channels at a time (<see cref="PackedWindowConv"/>, ±1
/// inputs of at most 32 channels a group); both give sign outputs as bits, which a following max
/// pooling ORs (<see cref="ForwardPooled"/>). On integer input codes at stride 1, shifted-plane sums
/// (<see cref="CodePlaneConv"/>): in int16 straight to output bits for sign outputs and rows of at
/// most 32 (which a column-counter convolution after it can take directly, see
/// <see cref="ForwardRows"/>), else in float32. Otherwise, on ±1 inputs of at most 64 channels, one
/// word of channel bits per pixel; else each output position's window is packed once per group and
/// every output channel takes z by XNOR–popcount, zero padding contributing 0 as in training
/// through a validity mask (z = valid - 2·popcount((x XOR w) AND valid)); on codes, integer sums
/// per position (padding is code 0). That last path is the reference.
/// </summary>
public sealed partial class BinaryConvLayer : ConvolutionLayer
{
    /// <inheritdoc/>
    public override TResult Accept<TResult>(ILayerVisitor<TResult> visitor) => visitor.Visit(this);

    private readonly ulong[] packedWeights;
    private readonly int windowBits;
    private readonly int windowWords;
    /// <summary>For ±1 inputs of at most 64 channels per group: per output channel and tap, the
    /// group's input-channel weights as one word, to meet one word of channel bits per pixel.</summary>
    private readonly ulong[]? tapWeights;
    /// <summary>For input codes: each weight as ±1, in [out channel, in channel, tap] order.</summary>
    private readonly sbyte[]? codeWeights;
    /// <summary>±1 inputs of at most 32 channels per group: packed windows against 8 channels at a time.</summary>
    private readonly PackedWindowConv? windowConv;
    /// <summary>±1 inputs at stride 1, rows of at most 32 columns, sign outputs: a column counter over
    /// output positions; run instead of the packed windows where it takes fewer instructions.</summary>
    private readonly BitSlicedConv? slicedConv;
    private readonly bool preferSliced;
    /// <summary>±1 inputs at stride 1 without padding, rows of at most 32, sign outputs: the column
    /// counter over a block of samples sharing the vectors (run by an execution plan's stage).</summary>
    private readonly SampleLaneConv? laneConv;
    /// <summary>Input codes at stride 1: shifted-plane sums in registers.</summary>
    private readonly CodePlaneConv? codePlanes;
    // Scratch: one packed window and its validity mask (the per-position path), then the fast
    // paths' regions: pixel words, strips and output bits (packed windows), channel words per
    // pixel (±1 inputs of 33–64 channels), the zero-padded input copy (codes, float sums), its
    // int16 copy, output row bits and a float output for pooling past int16 (codes, int16 sums),
    // input rows, output rows and pooled rows (column counter).
    private readonly ScratchRegion<ulong> packedWindow;
    private readonly ScratchRegion<ulong> validTaps;
    private readonly ScratchRegion<uint> pixels;
    private readonly ScratchRegion<ulong> strips;
    private readonly ScratchRegion<uint> outputBits;
    private readonly ScratchRegion<uint> pooledBits;
    private readonly ScratchRegion<ulong> pixelWords;
    private readonly ScratchRegion<float> paddedInput;
    private readonly ScratchRegion<short> codeShorts;
    private readonly ScratchRegion<uint> codeRowBits;
    private readonly ScratchRegion<float> codeOutput;
    private readonly ScratchRegion<uint> sliceRows;
    private readonly ScratchRegion<uint> sliceOutput;
    private readonly ScratchRegion<uint> slicePooled;
    private readonly ScratchRegion<uint> laneRows;
    private readonly ScratchRegion<uint> laneShifted;
    private readonly ScratchRegion<uint> laneOutput;
    private readonly ScratchRegion<uint> laneTaken;
    private readonly ScratchRegion<uint> lanePooled;
    private readonly int scratchWords;

    /// <param name="name">The layer's name (conv1…).</param>
    /// <param name="geometry">Input shape, channels, kernel, stride, padding, dilation, groups.</param>
    /// <param name="packedWeights">Out channels × ⌈(in/groups)·k·k / 64⌉ packed sign rows, torch's [in, ky, kx] order.</param>
    /// <param name="codeInputs">Whether the inputs are integer codes rather than ±1.</param>
    /// <param name="output">Thresholds or logits, one per output channel.</param>
    public BinaryConvLayer(string name, ConvGeometry geometry, ulong[] packedWeights, bool codeInputs, LayerOutput output)
        : base(name, geometry, output)
    {
        CodeInputs = codeInputs;
        var (inputShape, outChannels, kernel, stride, padding, dilation, groups) =
            (InputShape, geometry.OutChannels, geometry.Kernel, geometry.Stride, geometry.Padding, geometry.Dilation, geometry.Groups);
        windowBits = inputShape[0] / groups * kernel * kernel;
        windowWords = BitPacking.WordsFor(windowBits);
        if (packedWeights.Length != windowWords * outChannels)
            throw new ArgumentException($"{name}: {outChannels} channels of {windowBits} weights need {windowWords * outChannels} words, got {packedWeights.Length}");
        this.packedWeights = packedWeights;
        var perGroupIn = inputShape[0] / groups;
        if (codeInputs)
        {
            codeWeights = new sbyte[outChannels * windowBits];
            for (var c = 0; c < outChannels; c++)
                for (var bit = 0; bit < windowBits; bit++)
                    codeWeights[c * windowBits + bit] = (sbyte)(((packedWeights[c * windowWords + (bit >> 6)] >> (bit & 63)) & 1) == 1 ? 1 : -1);
        }
        if (!codeInputs && perGroupIn <= 64)
        {
            tapWeights = new ulong[outChannels * kernel * kernel];
            for (var c = 0; c < outChannels; c++)
                for (var ci = 0; ci < perGroupIn; ci++)
                    for (var tap = 0; tap < kernel * kernel; tap++)
                    {
                        var bit = ci * kernel * kernel + tap;
                        if (((packedWeights[c * windowWords + (bit >> 6)] >> (bit & 63)) & 1) == 1)
                            tapWeights[c * kernel * kernel + tap] |= 1UL << ci;
                    }
        }
        if (PackedWindowConv.Covers(inputShape[0], groups, kernel, codeInputs))
            windowConv = new PackedWindowConv(inputShape, outChannels, kernel, stride, padding, dilation, groups, packedWeights, output);
        if (BitSlicedConv.Covers(inputShape, kernel, stride, padding, dilation, groups, codeInputs, output))
        {
            slicedConv = new BitSlicedConv(inputShape, outChannels, kernel, padding, dilation, groups, packedWeights, output);
            // Instructions per sample, roughly: a tap is a load, shift, XOR and two carry-save steps for
            // 16 rows; a packed window word is about nine vector steps for 8 output channels.
            long sliced = (long)outChannels * ((OutHeight + 15) / 16) * windowBits * 5;
            long windows = windowConv is null ? long.MaxValue : (long)OutHeight * OutWidth * groups * ((outChannels / groups + 7) / 8) * windowWords * 9;
            preferSliced = sliced < windows;
        }
        if (SampleLaneConv.Covers(inputShape, kernel, stride, padding, dilation, groups, codeInputs, output))
            laneConv = new SampleLaneConv(inputShape, outChannels, kernel, dilation, groups, packedWeights, output, Workspace.Block);
        if (codeInputs && stride == 1)
            codePlanes = new CodePlaneConv(inputShape, outChannels, kernel, padding, dilation, groups, codeWeights, output);
        var byWindows = windowConv is not null;
        var byPixels = tapWeights is not null && !byWindows;
        var layout = new ScratchLayout();
        packedWindow = layout.Add<ulong>(windowWords);
        validTaps = layout.Add<ulong>(windowWords);
        pixels = layout.Add<uint>(byWindows ? windowConv!.PixelCount : 0);
        strips = layout.Add<ulong>(byWindows ? windowConv!.StripCount : 0);
        outputBits = layout.Add<uint>(byWindows ? windowConv!.MaskWords * windowConv.Positions : 0);
        pooledBits = layout.Add<uint>(byWindows ? windowConv!.MaskWords * windowConv.Positions : 0);
        pixelWords = layout.Add<ulong>(byPixels ? groups * inputShape[1] * inputShape[2] : 0);
        paddedInput = layout.Add<float>(codePlanes?.PaddedFloats ?? 0);
        var codeRows = codePlanes is { RowsFit: true };
        codeShorts = layout.Add<short>(codeRows ? codePlanes!.PaddedShorts : 0);
        codeRowBits = layout.Add<uint>(codeRows ? outChannels * OutHeight : 0);
        codeOutput = layout.Add<float>(codeRows ? OutputSize : 0);
        sliceRows = layout.Add<uint>(slicedConv?.RowWords ?? 0);
        sliceOutput = layout.Add<uint>(slicedConv?.OutputWords ?? 0);
        slicePooled = layout.Add<uint>(slicedConv is null && !codeRows ? 0 : OutChannels * OutHeight);
        // At whole-vector offsets within the scratch where they exist.
        var laneAlignment = laneConv is null ? sizeof(ulong) : 64;
        laneRows = layout.Add<uint>(laneConv?.LaneWords ?? 0, laneAlignment);
        laneShifted = layout.Add<uint>(laneConv?.ShiftedWords ?? 0, laneAlignment);
        laneOutput = layout.Add<uint>(laneConv?.OutputWords ?? 0, laneAlignment);
        laneTaken = layout.Add<uint>(laneConv is null ? 0 : OutChannels * OutHeight);
        lanePooled = layout.Add<uint>(laneConv is null ? 0 : OutChannels * OutHeight);
        scratchWords = layout.Words;
    }

    /// <summary>Whether inputs are integer codes.</summary>
    public bool CodeInputs { get; }
    /// <summary>The packed weight rows.</summary>
    public ReadOnlySpan<ulong> PackedWeights => packedWeights;

    /// <inheritdoc />
    public override long ParameterBytes => packedWeights.Length * 8L + (Output.Thresholds is null ? 8L : 5L) * OutChannels;
    private long Macs => (long)OutputSize * windowBits;
    /// <inheritdoc />
    public override long BinaryOperations => CodeInputs ? 0 : Macs;
    /// <inheritdoc />
    public override long OtherOperations => CodeInputs ? Macs : 0;
    /// <inheritdoc />
    public override int ScratchWords => scratchWords;

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch) =>
        Forward(input, output, scratch, ConvPath.Fast);

    /// <summary>Whether a path runs the column counter where it covers the layer: always for
    /// <see cref="ConvPath.Sliced"/>; for the fast path where vectors are accelerated and it is
    /// cheaper than the packed windows or they do not cover the layer.</summary>
    private bool UsesSliced(ConvPath path) => slicedConv is not null && (path == ConvPath.Sliced
        || (path == ConvPath.Fast && Vector512.IsHardwareAccelerated && (preferSliced || windowConv is null)));

    private void RunWindows(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch, bool vectors) =>
        windowConv!.Run(input, outputBits.In(scratch), output, pixels.In(scratch), strips.In(scratch),
            packedWindow.In(scratch), validTaps.In(scratch), vectors);

    /// <summary>One sample by a chosen path: the fast one, the same algorithm without vectors, or
    /// the per-position reference every path is tested against.</summary>
    internal void Forward(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch, ConvPath path)
    {
        var vectors = path != ConvPath.Scalar;
        if (path != ConvPath.Reference)
        {
            if (UsesSliced(path))
            {
                slicedConv!.Run(input, sliceRows.In(scratch), sliceOutput.In(scratch));
                RowBits.Expand(sliceOutput.In(scratch), OutChannels, slicedConv.OutputRowStride, OutHeight, OutWidth, output, vectors);
                return;
            }
            if (windowConv is not null)
            {
                RunWindows(input, output, scratch, vectors);
                if (Output.Thresholds is not null)
                    SignMasks.Expand(outputBits.In(scratch), OutChannels, OutHeight * OutWidth, output, vectors);
                return;
            }
            if (tapWeights is not null)
            {
                ForwardPixelWords(input, output, pixelWords.In(scratch));
                return;
            }
            if (codePlanes is { RowsFit: true } && codePlanes.RunRows(input, codeShorts.In(scratch), codeRowBits.In(scratch), vectors))
            {
                RowBits.Expand(codeRowBits.In(scratch), OutChannels, OutHeight, OutHeight, OutWidth, output, vectors);
                return;
            }
            if (codePlanes is not null && codePlanes.Run(input, output, paddedInput.In(scratch), vectors))
                return;
        }
        var inChannels = InputShape[0];
        var perGroupIn = inChannels / Groups;
        var perGroupOut = OutChannels / Groups;
        var window = packedWindow.In(scratch);
        var valid = validTaps.In(scratch);
        for (var oy = 0; oy < OutHeight; oy++)
        {
            for (var ox = 0; ox < OutWidth; ox++)
            {
                var position = oy * OutWidth + ox;
                for (var g = 0; g < Groups; g++)
                {
                    if (CodeInputs)
                    {
                        CodeSums(input, output, g, oy, ox);
                        continue;
                    }
                    var count = PackWindow(input, g * perGroupIn, oy, ox, window, valid);
                    var full = count == windowBits;
                    for (var c = g * perGroupOut; c < (g + 1) * perGroupOut; c++)
                    {
                        var row = packedWeights.AsSpan(c * windowWords, windowWords);
                        var differing = full ? PopCountKernel.XorPopCount(window, row) : MaskedXorPopCount(window, row, valid);
                        output[c * OutHeight * OutWidth + position] = Output.Apply(c, count - 2 * differing);
                    }
                }
            }
        }
    }

    /// <summary>
    /// ±1 inputs with one word of channel bits per pixel: each tap of each output channel is one
    /// XOR and popcount; taps in the padding are skipped (they contribute 0) and the dot product is
    /// (inside taps · channels) - 2·differing bits.
    /// </summary>
    private void ForwardPixelWords(ReadOnlySpan<float> input, Span<float> output, Span<ulong> pixels)
    {
        int height = InputShape[1], width = InputShape[2];
        var perGroupIn = InputShape[0] / Groups;
        var perGroupOut = OutChannels / Groups;
        var plane = height * width;
        pixels.Slice(0, Groups * plane).Clear();
        for (var channel = 0; channel < InputShape[0]; channel++)
        {
            var group = channel / perGroupIn;
            var bit = 1UL << (channel % perGroupIn);
            var words = pixels.Slice(group * plane, plane);
            var values = input.Slice(channel * plane, plane);
            for (var i = 0; i < plane; i++)
            {
                if (values[i] >= 0)
                    words[i] |= bit;
            }
        }
        var taps = Kernel * Kernel;
        Span<int> inside = stackalloc int[taps];
        Span<int> insideTap = stackalloc int[taps];
        var outPlane = OutHeight * OutWidth;
        for (var oy = 0; oy < OutHeight; oy++)
        {
            for (var ox = 0; ox < OutWidth; ox++)
            {
                var count = InsideTaps(oy, ox, inside, insideTap);
                var position = oy * OutWidth + ox;
                for (var g = 0; g < Groups; g++)
                {
                    var words = pixels.Slice(g * plane, plane);
                    for (var c = g * perGroupOut; c < (g + 1) * perGroupOut; c++)
                    {
                        var weights = tapWeights.AsSpan(c * taps, taps);
                        var differing = 0;
                        for (var t = 0; t < count; t++)
                            differing += BitOperations.PopCount(words[inside[t]] ^ weights[insideTap[t]]);
                        output[c * outPlane + position] = Output.Apply(c, count * perGroupIn - 2 * differing);
                    }
                }
            }
        }
    }

    /// <summary>The input index under tap (ci, ky, kx) of output position (oy, ox), or -1 in the padding.</summary>
    private int TapIndex(int channel, int ky, int kx, int oy, int ox)
    {
        int height = InputShape[1], width = InputShape[2];
        var y = oy * Stride - Padding + ky * Dilation;
        var x = ox * Stride - Padding + kx * Dilation;
        return y < 0 || y >= height || x < 0 || x >= width ? -1 : (channel * height + y) * width + x;
    }

    /// <summary>Packs one window's signs (and which taps fall inside the image); returns the inside taps.</summary>
    private int PackWindow(ReadOnlySpan<float> input, int firstChannel, int oy, int ox, Span<ulong> window, Span<ulong> valid)
    {
        window.Clear();
        valid.Clear();
        var bit = 0;
        var inside = 0;
        for (var ci = 0; ci < InputShape[0] / Groups; ci++)
        {
            for (var ky = 0; ky < Kernel; ky++)
            {
                for (var kx = 0; kx < Kernel; kx++, bit++)
                {
                    var index = TapIndex(firstChannel + ci, ky, kx, oy, ox);
                    if (index < 0)
                        continue;
                    inside++;
                    valid[bit >> 6] |= 1UL << (bit & 63);
                    if (input[index] >= 0)
                        window[bit >> 6] |= 1UL << (bit & 63);
                }
            }
        }
        return inside;
    }

    private static int MaskedXorPopCount(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, ReadOnlySpan<ulong> mask)
    {
        var count = 0;
        for (var i = 0; i < a.Length; i++)
            count += BitOperations.PopCount((a[i] ^ b[i]) & mask[i]);
        return count;
    }

    /// <summary>Every output channel of group <paramref name="group"/> at (oy, ox) on input codes:
    /// the inside taps are found once, then Σ ±code over channels and taps in integers.</summary>
    private void CodeSums(ReadOnlySpan<float> input, Span<float> output, int group, int oy, int ox)
    {
        int height = InputShape[1], width = InputShape[2];
        var perGroupIn = InputShape[0] / Groups;
        var perGroupOut = OutChannels / Groups;
        var taps = Kernel * Kernel;
        Span<int> inside = stackalloc int[taps];
        Span<int> insideTap = stackalloc int[taps];
        var count = InsideTaps(oy, ox, inside, insideTap);
        var plane = height * width;
        var position = oy * OutWidth + ox;
        for (var c = group * perGroupOut; c < (group + 1) * perGroupOut; c++)
        {
            var weights = codeWeights.AsSpan(c * windowBits, windowBits);
            long z = 0;
            for (var ci = 0; ci < perGroupIn; ci++)
            {
                var codes = input.Slice((group * perGroupIn + ci) * plane, plane);
                var row = weights.Slice(ci * taps, taps);
                for (var t = 0; t < count; t++)
                    z += (long)codes[inside[t]] * row[insideTap[t]];
            }
            output[c * OutHeight * OutWidth + position] = Output.Apply(c, z);
        }
    }
}
