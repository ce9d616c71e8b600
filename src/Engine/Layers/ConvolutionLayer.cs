namespace Qnn.Engine;

/// <summary>
/// What both convolution layers share: the name, the <see cref="ConvGeometry"/> (checked once,
/// here) and the output sizes it implies, and one <see cref="LayerOutput"/> per output channel.
/// <see cref="BinaryConvLayer"/> runs binary weights; <see cref="GeneralConvLayer"/> everything else.
/// </summary>
public abstract class ConvolutionLayer : EngineLayer
{
    private protected ConvolutionLayer(string name, ConvGeometry geometry, LayerOutput output)
    {
        geometry.Check(name);
        if (output.Count != geometry.OutChannels)
            throw new ArgumentException($"{name}: {output.Count} outputs for {geometry.OutChannels} out channels");
        Name = name;
        Geometry = geometry;
        Output = output;
        InputShape = geometry.InputShape;
        OutHeight = (int)geometry.OutSide(geometry.Height);
        OutWidth = (int)geometry.OutSide(geometry.Width);
    }

    /// <inheritdoc />
    public override string Name { get; }
    /// <summary>The convolution's shape.</summary>
    public ConvGeometry Geometry { get; }
    /// <summary>One output per channel: thresholds, levels, logits or an activation.</summary>
    public LayerOutput Output { get; }
    /// <summary>[channels, height, width] in.</summary>
    public int[] InputShape { get; }
    /// <summary>Output channels.</summary>
    public int OutChannels => Geometry.OutChannels;
    /// <summary>Kernel side.</summary>
    public int Kernel => Geometry.Kernel;
    /// <summary>Stride.</summary>
    public int Stride => Geometry.Stride;
    /// <summary>Zero padding on each side.</summary>
    public int Padding => Geometry.Padding;
    /// <summary>Dilation.</summary>
    public int Dilation => Geometry.Dilation;
    /// <summary>Groups.</summary>
    public int Groups => Geometry.Groups;
    /// <summary>Output height.</summary>
    public int OutHeight { get; }
    /// <summary>Output width.</summary>
    public int OutWidth { get; }

    /// <summary>The taps of output position (oy, ox) that fall inside the image: each one's pixel
    /// index within a channel plane and its tap number (ky·k + kx), in (ky, kx) order; returns how many.</summary>
    private protected int InsideTaps(int oy, int ox, Span<int> pixel, Span<int> tap)
    {
        int height = Geometry.Height, width = Geometry.Width;
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

    /// <inheritdoc />
    public override int InputSize => Geometry.Channels * Geometry.Height * Geometry.Width;
    /// <inheritdoc />
    public override int OutputSize => OutChannels * OutHeight * OutWidth;
}
