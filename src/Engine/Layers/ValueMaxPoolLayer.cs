namespace Qnn.Engine;

/// <summary>Max pooling (window and stride <see cref="PoolingLayer.Pool"/>, floor) over any values: ternary
/// values, DoReFa codes or ReLU outputs, where <see cref="MaxPoolLayer"/>'s OR of sign bits does
/// not apply (format version 5).</summary>
public sealed class ValueMaxPoolLayer(string name, int[] inputShape, int pool) : PoolingLayer(name, inputShape, pool)
{
    /// <inheritdoc/>
    public override TResult Accept<TResult>(ILayerVisitor<TResult> visitor) => visitor.Visit(this);

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
