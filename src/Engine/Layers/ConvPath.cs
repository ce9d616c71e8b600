namespace Qnn.Engine;

/// <summary>Which algorithm a <see cref="BinaryConvLayer"/> runs (tests compare them).</summary>
internal enum ConvPath
{
    /// <summary>The fastest path for the layer, with vectors where the CPU has them.</summary>
    Fast,
    /// <summary>The fast path's algorithm without vectors.</summary>
    Scalar,
    /// <summary>The column counter over output positions, where it covers the layer (for tests).</summary>
    Sliced,
    /// <summary>Window by window at each output position: the reference.</summary>
    Reference,
}
