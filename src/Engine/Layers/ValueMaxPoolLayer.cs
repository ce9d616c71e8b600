namespace Qnn.Engine;

/// <summary>Max pooling (window and stride <see cref="PoolingLayer.Pool"/>, floor) over any values: ternary
/// values, DoReFa codes or ReLU outputs, where <see cref="MaxPoolLayer"/>'s OR of sign bits does
/// not apply (format version 5).</summary>
public sealed class ValueMaxPoolLayer(string name, int[] inputShape, int pool) : PoolingLayer(name, inputShape, pool)
{
    /// <inheritdoc/>
    public override TResult Accept<TResult>(ILayerVisitor<TResult> visitor) => visitor.Visit(this);

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch) =>
        Reduce(input, output, float.NegativeInfinity, MathF.Max);
}
