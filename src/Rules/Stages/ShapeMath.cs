namespace Qnn.Rules;

/// <summary>Output sizes of convolution and pooling along one axis, as torch computes them. In
/// 64 bits: a declaration's sizes may be anything an int holds, and the size rule (QNN014) must
/// see an oversized stage's true size, not a wrapped one.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
static class ShapeMath
{
    /// <summary>⌊(n + 2p - d(k - 1) - 1)/s⌋ + 1, or 0 where the dilated kernel does not fit.</summary>
    public static long ConvolvedSize(long size, long kernel, long stride, long padding, long dilation)
    {
        var reach = size + 2 * padding - dilation * (kernel - 1) - 1;
        return reach < 0 ? 0 : reach / stride + 1;
    }

    /// <summary>Size after max pooling with window and stride <paramref name="pool"/> (floor, as torch does).</summary>
    public static long PooledSize(long size, long pool) => size / pool;
}
