namespace Qnn.Engine.Format;

/// <summary>
/// What a .qnnx file may declare, in one place: the reader refuses a file past any of these
/// (a <see cref="QnnxFormatException"/> naming the field) before it allocates for it, and the
/// writer refuses a model it could not read back. They bound the memory and the integer
/// arithmetic a file can ask of the engine, far above what the catalog's models need.
/// </summary>
public static class QnnxLimits
{
    /// <summary>The largest file read: the reader holds the whole file to check its checksum
    /// before parsing it, so it stays under .NET's largest byte array.</summary>
    public const long MaxFileBytes = 2_000_000_000;

    /// <summary>Layers in a model.</summary>
    public const int MaxLayers = 65_536;

    /// <summary>Characters (UTF-16 code units, as .NET strings count them) in a model's or a
    /// layer's name.</summary>
    public const int MaxNameChars = 256;

    /// <summary>Bytes of UTF-8 in all of a model's class names together (each name is also at
    /// most <see cref="MaxNameChars"/> characters).</summary>
    public const int MaxClassNameBytes = 1 << 20;

    /// <summary>Values in the input sample and in each layer's output (and each convolution's
    /// zero-padded input copy): 2^24 floats are 64 MiB a sample.</summary>
    public const int MaxLayerValues = 1 << 24;

    /// <summary>Values of the input and every layer's output together: one sample's workspace
    /// holds them all (128 MiB of floats; a batch block holds 32 samples' worth).</summary>
    public const long MaxModelValues = 1L << 25;

    /// <summary>Weights in one layer (outputs × inputs, or out channels × in channels per group ×
    /// kernel²): the engine's padded byte copies of a layer's weights (rows rounded up to 64
    /// bytes, outputs to 16) must stay under int32 indices.</summary>
    public const int MaxLayerWeights = 1 << 29;

    /// <summary>A convolution's kernel side (the engine keeps a kernel's taps on the stack).</summary>
    public const int MaxKernel = 64;

    /// <summary>A convolution's stride and dilation, and a max-pool's window.</summary>
    public const int MaxStride = 1024;

    /// <summary>A convolution's zero padding on each side.</summary>
    public const int MaxPadding = 1024;

    /// <summary>The largest |threshold|: <see cref="SignThreshold.Fold"/> clamps every boundary
    /// to ±int.MaxValue/2, which rounds out to ±2^30.</summary>
    public const int MaxThreshold = 1 << 30;

    /// <summary>The largest |pre-activation| a layer may reach: its integer sums are int32, so
    /// Σ (largest input × code multiplier × largest |weight|) over a row must fit.</summary>
    public const long MaxAccumulator = int.MaxValue;
}
