using Qnn.Engine;
using Xunit;
using Qnn.Engine.Format;
using Qnn.Engine.Kernels;

namespace Qnn.Export.Tests;

/// <summary>The engine has no core (no TorchSharp, no F#), so it keeps runtime copies of two core
/// facts: the widest input code and the convolution output size. These tests keep them equal.</summary>
public class EngineCoreAgreementTests
{
    [Fact]
    public void The_engine_and_the_core_take_the_same_widest_input_code() =>
        Assert.Equal(Limits.MaxCodeBits, InputStage.MaxCodeBits);

    [Fact]
    public void An_engine_file_takes_every_name_a_valid_spec_has() =>
        Assert.Equal(Limits.MaxNameLength, QnnxLimits.MaxNameChars);

    [Fact]
    public void The_engine_convolves_to_the_cores_output_sizes()
    {
        var checkedSizes = 0;
        foreach (var size in Enumerable.Range(1, 12))
        foreach (var kernel in Enumerable.Range(1, 5))
        foreach (var stride in Enumerable.Range(1, 3))
        foreach (var padding in Enumerable.Range(0, 3))
        foreach (var dilation in Enumerable.Range(1, 2))
        {
            var expected = Shapes.convolvedSize(size, kernel, stride, padding, dilation);
            // The formula itself, including kernels that do not fit (0 on both sides).
            Assert.Equal(expected, new ConvGeometry(1, size, size, 1, kernel, stride, padding, dilation, 1).OutSide(size));
            if (expected == 0)
                continue;
            var conv = new BinaryConvLayer("conv1", ConvGeometry.Of(new[] { 1, size, size + 1 }, 1, kernel, stride, padding, dilation, 1),
                new ulong[BitPacking.WordsFor(kernel * kernel)], codeInputs: false,
                LayerOutput.Signs(new[] { new SignThreshold(0, ThresholdDirection.AtLeast) }));
            Assert.Equal(expected, conv.OutHeight);
            Assert.Equal(Shapes.convolvedSize(size + 1, kernel, stride, padding, dilation), conv.OutWidth);
            checkedSizes++;
        }
        Assert.True(checkedSizes > 500, $"{checkedSizes} cases");
    }
}
