namespace Qnn.Engine;

/// <summary>Max pooling (window and stride <see cref="Pool"/>, floor) over any values: ternary
/// values, DoReFa codes or ReLU outputs, where <see cref="MaxPoolLayer"/>'s OR of sign bits does
/// not apply (format version 5).</summary>
public sealed class ValueMaxPoolLayer(string name, int[] inputShape, int pool) : EngineLayer
{
    /// <inheritdoc />
    public override string Name { get; } = name;
    /// <summary>[channels, height, width] in.</summary>
    public int[] InputShape { get; } = inputShape;
    /// <summary>Window and stride.</summary>
    public int Pool { get; } = pool;
    private int OutHeight => InputShape[1] / Pool;
    private int OutWidth => InputShape[2] / Pool;
    /// <inheritdoc />
    public override int InputSize => InputShape[0] * InputShape[1] * InputShape[2];
    /// <inheritdoc />
    public override int OutputSize => InputShape[0] * OutHeight * OutWidth;
    /// <inheritdoc />
    public override long ParameterBytes => 0;

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch)
    {
        int height = InputShape[1], width = InputShape[2];
        for (var c = 0; c < InputShape[0]; c++)
            for (var oy = 0; oy < OutHeight; oy++)
                for (var ox = 0; ox < OutWidth; ox++)
                {
                    var best = float.NegativeInfinity;
                    for (var dy = 0; dy < Pool; dy++)
                        for (var dx = 0; dx < Pool; dx++)
                            best = MathF.Max(best, input[c * height * width + (oy * Pool + dy) * width + ox * Pool + dx]);
                    output[(c * OutHeight + oy) * OutWidth + ox] = best;
                }
    }
}
