namespace Qnn.Generators.Analysis;

/// <summary>Output sizes of convolution and pooling, as torch computes them (the core's <c>Shapes</c>).</summary>
public static class Shapes
{
    /// <summary>⌊(n + 2p - d(k - 1) - 1)/s⌋ + 1, or 0 where the dilated kernel does not fit.</summary>
    public static int ConvolvedSize(int size, int kernel, int stride, int padding, int dilation)
    {
        var reach = size + 2 * padding - dilation * (kernel - 1) - 1;
        return reach < 0 ? 0 : reach / stride + 1;
    }

    /// <summary>Size after max pooling with window and stride <paramref name="pool"/> (floor).</summary>
    public static int PooledSize(int size, int pool) => size / pool;

    /// <summary>
    /// <see cref="ConvolvedSize(int, int, int, int, int)"/> in 64 bits (the core's
    /// <c>convolvedSize64</c>): a declaration's sizes may be anything an int holds, and the size
    /// rule (QNN014) must see an oversized stage's true size, not a wrapped one.
    /// </summary>
    public static long ConvolvedSize(long size, long kernel, long stride, long padding, long dilation)
    {
        var reach = size + 2 * padding - dilation * (kernel - 1) - 1;
        return reach < 0 ? 0 : reach / stride + 1;
    }

    /// <summary>Size after max pooling, in 64 bits.</summary>
    public static long PooledSize(long size, long pool) => size / pool;
}
