using System.Numerics;

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
    /// <inheritdoc />
    public override int ScratchWords => 2 * windowWords;

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch)
    {
        var inChannels = InputShape[0];
        var perGroupIn = inChannels / Groups;
        var perGroupOut = OutChannels / Groups;
        var window = scratch.Slice(0, windowWords);
        var valid = scratch.Slice(windowWords, windowWords);
        for (var oy = 0; oy < OutHeight; oy++)
        {
            for (var ox = 0; ox < OutWidth; ox++)
            {
                var position = oy * OutWidth + ox;
                for (var g = 0; g < Groups; g++)
                {
                    if (CodeInputs)
                    {
                        for (var c = g * perGroupOut; c < (g + 1) * perGroupOut; c++)
                            output[c * OutHeight * OutWidth + position] = Output.Apply(c, CodeSum(input, c, g * perGroupIn, oy, ox));
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

    private long CodeSum(ReadOnlySpan<float> input, int outChannel, int firstChannel, int oy, int ox)
    {
        var row = packedWeights.AsSpan(outChannel * windowWords, windowWords);
        long z = 0;
        var bit = 0;
        for (var ci = 0; ci < InputShape[0] / Groups; ci++)
        {
            for (var ky = 0; ky < Kernel; ky++)
            {
                for (var kx = 0; kx < Kernel; kx++, bit++)
                {
                    var index = TapIndex(firstChannel + ci, ky, kx, oy, ox);
                    if (index < 0)
                        continue;
                    var code = (long)input[index];
                    z += ((row[bit >> 6] >> (bit & 63)) & 1) == 1 ? code : -code;
                }
            }
        }
        return z;
    }
}
