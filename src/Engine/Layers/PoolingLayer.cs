namespace Qnn.Engine;

/// <summary>What the pooling layers share: window and stride <see cref="Pool"/> (floor) over
/// [channels, height, width]. <see cref="MaxPoolLayer"/> ORs sign bits; <see cref="ValueMaxPoolLayer"/>
/// takes the maximum of any values; <see cref="AveragePoolLayer"/> sums them.</summary>
public abstract class PoolingLayer(string name, int[] inputShape, int pool) : EngineLayer
{
    /// <inheritdoc />
    public override string Name { get; } = name;
    /// <summary>[channels, height, width] in.</summary>
    public int[] InputShape { get; } = inputShape;
    /// <summary>Window and stride.</summary>
    public int Pool { get; } = pool;
    /// <summary>Output height.</summary>
    protected int OutHeight => InputShape[1] / Pool;
    /// <summary>Output width.</summary>
    protected int OutWidth => InputShape[2] / Pool;
    /// <inheritdoc />
    public override int InputSize => InputShape[0] * InputShape[1] * InputShape[2];
    /// <inheritdoc />
    public override int OutputSize => InputShape[0] * OutHeight * OutWidth;
    /// <inheritdoc />
    public override long ParameterBytes => 0;

    /// <summary>Each output: <paramref name="seed"/> combined with its window's values in row
    /// order (the order the C writes too).</summary>
    protected void Reduce(ReadOnlySpan<float> input, Span<float> output, float seed, Func<float, float, float> combine)
    {
        int height = InputShape[1], width = InputShape[2];
        for (var c = 0; c < InputShape[0]; c++)
            for (var oy = 0; oy < OutHeight; oy++)
                for (var ox = 0; ox < OutWidth; ox++)
                {
                    var value = seed;
                    for (var dy = 0; dy < Pool; dy++)
                        for (var dx = 0; dx < Pool; dx++)
                            value = combine(value, input[c * height * width + (oy * Pool + dy) * width + ox * Pool + dx]);
                    output[(c * OutHeight + oy) * OutWidth + ox] = value;
                }
    }
}
