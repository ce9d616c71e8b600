using System.Numerics;
using System.Runtime.Intrinsics;

namespace Qnn.Engine;

/// <summary>
/// A 2-D convolution with binary weights (square kernel, stride, padding, dilation, groups) on
/// [channels, height, width] values. On ±1 inputs each output position's window is packed once
/// per group and every output channel takes z by XNOR–popcount; zero padding contributes 0, as in
/// training, through a validity mask at the borders (z = valid - 2·popcount((x XOR w) AND valid)).
/// On integer input codes it accumulates in integers (padding is code 0). Output channel-major.
/// </summary>
public sealed class ConvLayer : EngineLayer
{
    private readonly ulong[] packedWeights;
    private readonly int windowBits;
    private readonly int windowWords;
    /// <summary>For ±1 inputs of at most 64 channels per group: per output channel and tap, the
    /// group's input-channel weights as one word, to meet one word of channel bits per pixel.</summary>
    private readonly ulong[]? tapWeights;
    /// <summary>For input codes: each weight as ±1, in [out channel, in channel, tap] order.</summary>
    private readonly sbyte[]? codeWeights;
    // Scratch: channel words per pixel (±1 inputs by pixel words), else one packed window and its
    // validity mask, then for input codes at stride 1 the zero-padded input copy and one output plane.
    private readonly ScratchRegion<ulong> pixelWords;
    private readonly ScratchRegion<ulong> packedWindow;
    private readonly ScratchRegion<ulong> validTaps;
    private readonly ScratchRegion<float> paddedInput;
    private readonly ScratchRegion<float> outputPlane;
    private readonly int scratchWords;

    /// <param name="name">The layer's name (conv1…).</param>
    /// <param name="inputShape">[channels, height, width] in.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernel">Kernel side.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="padding">Zero padding on each side.</param>
    /// <param name="dilation">Dilation.</param>
    /// <param name="groups">Groups.</param>
    /// <param name="packedWeights">Out channels × ⌈(in/groups)·k·k / 64⌉ packed sign rows, torch's [in, ky, kx] order.</param>
    /// <param name="codeInputs">Whether the inputs are integer codes rather than ±1.</param>
    /// <param name="output">Thresholds or logits, one per output channel.</param>
    public ConvLayer(string name, int[] inputShape, int outChannels, int kernel, int stride, int padding, int dilation, int groups,
        ulong[] packedWeights, bool codeInputs, LayerOutput output)
    {
        Name = name;
        InputShape = inputShape;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Groups = groups;
        CodeInputs = codeInputs;
        Output = output;
        if (inputShape.Length != 3 || inputShape[0] % groups != 0 || outChannels % groups != 0 || output.Count != outChannels)
            throw new ArgumentException($"{name}: inconsistent shape, groups or output count");
        OutHeight = OutSize(inputShape[1]);
        OutWidth = OutSize(inputShape[2]);
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
        var byPixels = tapWeights is not null;
        var layout = new ScratchLayout();
        pixelWords = layout.Add<ulong>(byPixels ? groups * inputShape[1] * inputShape[2] : 0);
        packedWindow = layout.Add<ulong>(byPixels ? 0 : windowWords);
        validTaps = layout.Add<ulong>(byPixels ? 0 : windowWords);
        paddedInput = layout.Add<float>(CodePlanes ? PaddedFloats : 0);
        // Right after the padded copy, as a float (its offset need not be a whole word).
        outputPlane = layout.Add<float>(CodePlanes ? PlaneFloats : 0, alignment: sizeof(float));
        scratchWords = layout.Words;
    }

    private int OutSize(int size)
    {
        var reach = size + 2 * Padding - Dilation * (Kernel - 1) - 1;
        return reach < 0 ? 0 : reach / Stride + 1;
    }

    /// <inheritdoc />
    public override string Name { get; }
    /// <summary>[channels, height, width] in.</summary>
    public int[] InputShape { get; }
    /// <summary>Output channels.</summary>
    public int OutChannels { get; }
    /// <summary>Kernel side.</summary>
    public int Kernel { get; }
    /// <summary>Stride.</summary>
    public int Stride { get; }
    /// <summary>Padding.</summary>
    public int Padding { get; }
    /// <summary>Dilation.</summary>
    public int Dilation { get; }
    /// <summary>Groups.</summary>
    public int Groups { get; }
    /// <summary>Whether inputs are integer codes.</summary>
    public bool CodeInputs { get; }
    /// <summary>Output height.</summary>
    public int OutHeight { get; }
    /// <summary>Output width.</summary>
    public int OutWidth { get; }
    /// <summary>Thresholds or logits per output channel.</summary>
    public LayerOutput Output { get; }
    /// <summary>The packed weight rows.</summary>
    public ReadOnlySpan<ulong> PackedWeights => packedWeights;

    /// <inheritdoc />
    public override int InputSize => InputShape[0] * InputShape[1] * InputShape[2];
    /// <inheritdoc />
    public override int OutputSize => OutChannels * OutHeight * OutWidth;
    /// <inheritdoc />
    public override long ParameterBytes => packedWeights.Length * 8L + (Output.Thresholds is null ? 8L : 5L) * OutChannels;
    private long Macs => (long)OutputSize * windowBits;
    /// <inheritdoc />
    public override long BinaryOperations => CodeInputs ? 0 : Macs;
    /// <inheritdoc />
    public override long OtherOperations => CodeInputs ? Macs : 0;
    /// <summary>Floats of the zero-padded input copy and one output plane (row stride of the
    /// padded width) that <see cref="ForwardCodePlanes"/> uses.</summary>
    private int PaddedFloats => InputShape[0] * (InputShape[1] + 2 * Padding) * (InputShape[2] + 2 * Padding);
    private int PlaneFloats => OutHeight * (InputShape[2] + 2 * Padding);

    /// <summary>Input codes at stride 1: the convolution as shifted whole-plane additions.</summary>
    private bool CodePlanes => CodeInputs && Stride == 1;

    /// <inheritdoc />
    public override int ScratchWords => scratchWords;

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch)
    {
        if (tapWeights is not null)
        {
            ForwardPixelWords(input, output, pixelWords.In(scratch));
            return;
        }
        if (CodePlanes && ForwardCodePlanes(input, output, paddedInput.In(scratch), outputPlane.In(scratch)))
            return;
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

    /// <summary>
    /// Input codes at stride 1, one output channel at a time: the input is copied once into a
    /// zero-padded buffer, and each tap (ci, ky, kx) adds ±(the padded planes shifted by
    /// ky·d·W' + kx·d) to an output plane kept at the padded row width W' (its extra columns are
    /// never read), so every tap is one contiguous vector addition. Sums are integers in float32,
    /// exact while |z| stays below 2^24 (checked per sample; false sends the sample to the
    /// per-position integer path).
    /// </summary>
    private bool ForwardCodePlanes(ReadOnlySpan<float> input, Span<float> output, Span<float> padded, Span<float> plane)
    {
        int channels = InputShape[0], height = InputShape[1], width = InputShape[2];
        var largest = 0f;
        foreach (var code in input.Slice(0, InputSize)) largest = MathF.Max(largest, code);
        if ((double)largest * windowBits >= 1 << 24)
            return false;
        int paddedHeight = height + 2 * Padding, paddedWidth = width + 2 * Padding;
        padded.Clear();
        for (var c = 0; c < channels; c++)
            for (var y = 0; y < height; y++)
                input.Slice((c * height + y) * width, width).CopyTo(padded.Slice((c * paddedHeight + y + Padding) * paddedWidth + Padding, width));
        var perGroupIn = channels / Groups;
        var perGroupOut = OutChannels / Groups;
        var taps = Kernel * Kernel;
        var outPlane = OutHeight * OutWidth;
        // The last tap's shifted plane may run past the padded buffer by up to its extra columns.
        var length = Math.Min(PlaneFloats, paddedHeight * paddedWidth - (Kernel - 1) * Dilation * (paddedWidth + 1));
        if (length <= 0)
            return true;
        for (var c = 0; c < OutChannels; c++)
        {
            plane.Clear();
            var weights = codeWeights.AsSpan(c * windowBits, windowBits);
            var firstIn = c / perGroupOut * perGroupIn;
            for (var ci = 0; ci < perGroupIn; ci++)
            {
                var source = padded.Slice((firstIn + ci) * paddedHeight * paddedWidth);
                for (var tap = 0; tap < taps; tap++)
                {
                    var shift = tap / Kernel * Dilation * paddedWidth + tap % Kernel * Dilation;
                    AddSigned(plane.Slice(0, length), source.Slice(shift, length), weights[ci * taps + tap] > 0);
                }
            }
            // Outputs for the whole plane in place (the extra columns too), then row by row out.
            Output.ApplyChannel(c, plane.Slice(0, length), plane.Slice(0, length));
            for (var oy = 0; oy < OutHeight; oy++)
                plane.Slice(oy * paddedWidth, OutWidth).CopyTo(output.Slice(c * outPlane + oy * OutWidth, OutWidth));
        }
        return true;
    }

    /// <summary>target += source (or -= source).</summary>
    private static void AddSigned(Span<float> target, ReadOnlySpan<float> source, bool add)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= target.Length; i += 16)
            {
                var (t, x) = (Vector512.Create((ReadOnlySpan<float>)target.Slice(i, 16)), Vector512.Create(source.Slice(i, 16)));
                (add ? t + x : t - x).CopyTo(target.Slice(i, 16));
            }
        }
        for (; i < target.Length; i++)
            target[i] += add ? source[i] : -source[i];
    }

    /// <summary>The taps of output position (oy, ox) that fall inside the image: each one's pixel
    /// index within a channel plane and its tap number (ky·k + kx); returns how many.</summary>
    private int InsideTaps(int oy, int ox, Span<int> pixel, Span<int> tap)
    {
        int height = InputShape[1], width = InputShape[2];
        var count = 0;
        for (var ky = 0; ky < Kernel; ky++)
        {
            var y = oy * Stride - Padding + ky * Dilation;
            if (y < 0 || y >= height) continue;
            for (var kx = 0; kx < Kernel; kx++)
            {
                var x = ox * Stride - Padding + kx * Dilation;
                if (x < 0 || x >= width) continue;
                pixel[count] = y * width + x;
                tap[count++] = ky * Kernel + kx;
            }
        }
        return count;
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
