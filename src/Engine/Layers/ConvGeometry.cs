namespace Qnn.Engine;

/// <summary>
/// What a 2-D convolution's shape is: [<paramref name="Channels"/>, <paramref name="Height"/>,
/// <paramref name="Width"/>] in, square kernel, stride, zero padding on each side, dilation and
/// groups, as torch's Conv2d takes them. Both convolution layers, the .qnnx reader and writer and
/// the exporter describe a convolution by one of these, so the output size has one formula.
/// </summary>
public sealed record ConvGeometry(int Channels, int Height, int Width, int OutChannels, int Kernel, int Stride, int Padding, int Dilation, int Groups)
{
    /// <summary>The geometry of an input of <paramref name="inputShape"/> [channels, height, width].</summary>
    public static ConvGeometry Of(int[] inputShape, int outChannels, int kernel, int stride, int padding, int dilation, int groups) =>
        inputShape.Length == 3
            ? new(inputShape[0], inputShape[1], inputShape[2], outChannels, kernel, stride, padding, dilation, groups)
            : throw new ArgumentException($"a convolution takes [channels, height, width], not {inputShape.Length} dimensions");

    /// <summary>[channels, height, width] in (a new array each time).</summary>
    public int[] InputShape => [Channels, Height, Width];

    /// <summary>Pixels one output sees: the kernel with its dilation, (kernel − 1)·dilation + 1.</summary>
    public long Reach => (long)Dilation * (Kernel - 1) + 1;

    /// <summary>Output side for an input side of <paramref name="size"/>: floor((size + 2·padding − reach) / stride) + 1,
    /// or 0 where the kernel does not fit.</summary>
    public long OutSide(int size)
    {
        var room = size + 2L * Padding - Reach;
        return room < 0 || Stride < 1 ? 0 : room / Stride + 1;
    }

    /// <summary>Input channels each group sees.</summary>
    public int ChannelsPerGroup => Groups > 0 ? Channels / Groups : 0;

    /// <summary>Weights per output channel: channels per group × kernel².</summary>
    public long WindowSize => (long)ChannelsPerGroup * Kernel * Kernel;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="layer"/> unless the
    /// geometry is whole: positive sizes, groups dividing both channel counts, an output of at least one pixel.</summary>
    public void Check(string layer)
    {
        if (Channels < 1 || Height < 1 || Width < 1 || OutChannels < 1 || Kernel < 1 || Stride < 1 || Padding < 0 || Dilation < 1 || Groups < 1)
            throw new ArgumentException($"{layer}: sizes, kernel, stride and dilation must be positive and padding not negative ({this})");
        if (Channels % Groups != 0 || OutChannels % Groups != 0)
            throw new ArgumentException($"{layer}: groups {Groups} must divide {Channels} channels and {OutChannels} out channels");
        if (OutSide(Height) < 1 || OutSide(Width) < 1)
            throw new ArgumentException($"{layer}: the kernel (reach {Reach}) does not fit the {Height}×{Width} input with padding {Padding}");
        if ((long)OutChannels * OutSide(Height) * OutSide(Width) > int.MaxValue || (long)Channels * Height * Width > int.MaxValue)
            throw new ArgumentException($"{layer}: too many values");
    }
}
