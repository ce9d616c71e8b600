using Xunit;

namespace Qnn.Engine.Tests;

/// <summary>The one place a convolution's shape is checked and its output size computed.</summary>
public class ConvGeometryTests
{
    [Theory]
    [InlineData(28, 5, 1, 0, 1, 24)]
    [InlineData(28, 3, 1, 1, 1, 28)]
    [InlineData(28, 3, 2, 1, 1, 14)]
    [InlineData(10, 3, 1, 0, 2, 6)]     // dilation 2: reach 5
    [InlineData(4, 5, 1, 0, 1, 0)]      // the kernel does not fit
    [InlineData(4, 5, 1, 1, 1, 2)]      // it does with padding
    public void Output_side_is_torch_s_formula(int size, int kernel, int stride, int padding, int dilation, long side)
    {
        var geometry = new ConvGeometry(1, size, size, 1, kernel, stride, padding, dilation, 1);
        Assert.Equal(side, geometry.OutSide(size));
    }

    [Fact]
    public void Both_convolution_layers_refuse_a_geometry_that_is_not_whole()
    {
        var noOutput = ConvGeometry.Of(new[] { 1, 4, 4 }, 2, 5, 1, 0, 1, 1);
        var e = Assert.Throws<ArgumentException>(() => new BinaryConvLayer("conv1", noOutput, new ulong[2], true, Logits(2)));
        Assert.Equal("conv1: the kernel (reach 5) does not fit the 4×4 input with padding 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => new GeneralConvLayer("conv2", noOutput, LayerWeights.Float(new float[50]), false, 1, Logits(2)));
        Assert.Equal("conv2: the kernel (reach 5) does not fit the 4×4 input with padding 0", e.Message);
        var badGroups = ConvGeometry.Of(new[] { 3, 8, 8 }, 4, 3, 1, 1, 1, 2);
        e = Assert.Throws<ArgumentException>(() => new BinaryConvLayer("conv3", badGroups, new ulong[4], false, Logits(4)));
        Assert.Equal("conv3: groups 2 must divide 3 channels and 4 out channels", e.Message);
        var fits = ConvGeometry.Of(new[] { 1, 6, 6 }, 2, 3, 1, 0, 1, 1);
        e = Assert.Throws<ArgumentException>(() => new BinaryConvLayer("conv4", fits, new ulong[2], true, Logits(3)));
        Assert.Equal("conv4: 3 outputs for 2 out channels", e.Message);
        Assert.Throws<ArgumentException>(() => ConvGeometry.Of(new[] { 6, 6 }, 2, 3, 1, 0, 1, 1));
    }

    [Fact]
    public void Layers_take_their_sizes_from_the_geometry()
    {
        var layer = new BinaryConvLayer("conv1", ConvGeometry.Of(new[] { 2, 9, 7 }, 4, 3, 2, 1, 1, 2), new ulong[4], false, Logits(4));
        Assert.Equal((5, 4), (layer.OutHeight, layer.OutWidth));
        Assert.Equal(2 * 9 * 7, layer.InputSize);
        Assert.Equal(4 * 5 * 4, layer.OutputSize);
        Assert.Equal(new[] { 2, 9, 7 }, layer.InputShape);
        Assert.Equal(9, layer.Geometry.WindowSize);
    }

    private static LayerOutput Logits(int count) => LayerOutput.Logits(Enumerable.Repeat(1f, count).ToArray(), new float[count], 1f);
}
