namespace Qnn.Engine;

/// <summary>Max pooling (window and stride <see cref="Pool"/>, floor) over ±1 values: the OR of the
/// window's bits, since the block's sign comes before its pooling.</summary>
public sealed class MaxPoolLayer(string name, int[] inputShape, int pool) : EngineLayer
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
        {
            for (var oy = 0; oy < OutHeight; oy++)
            {
                for (var ox = 0; ox < OutWidth; ox++)
                {
                    var any = -1f;
                    for (var dy = 0; dy < Pool && any < 0; dy++)
                    {
                        for (var dx = 0; dx < Pool; dx++)
                        {
                            if (input[c * height * width + (oy * Pool + dy) * width + ox * Pool + dx] >= 0)
                            {
                                any = 1f;
                                break;
                            }
                        }
                    }
                    output[(c * OutHeight + oy) * OutWidth + ox] = any;
                }
            }
        }
    }
}
