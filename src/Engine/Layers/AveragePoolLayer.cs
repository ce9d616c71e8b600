namespace Qnn.Engine;

/// <summary>
/// Average pooling (window and stride <see cref="PoolingLayer.Pool"/>, floor) kept integer: each
/// output is its window's sum, not its mean, and the layer after divides by Pool² where it
/// divides its inputs (its scale or divisor, as it divides input codes by L). So the sum of
/// input codes, ±1 values or integer levels stays an exact integer (at most Pool² times the
/// largest value), and the input downscaled by an average is integer codes again. Real values
/// are summed in float32 in window order (format version 6).
/// </summary>
public sealed class AveragePoolLayer(string name, int[] inputShape, int pool) : PoolingLayer(name, inputShape, pool)
{
    /// <summary>Values a window sums: what the layer after divides by.</summary>
    public int Window => Pool * Pool;

    /// <inheritdoc/>
    public override TResult Accept<TResult>(ILayerVisitor<TResult> visitor) => visitor.Visit(this);

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch) =>
        Reduce(input, output, 0f, static (sum, v) => sum + v);
}
