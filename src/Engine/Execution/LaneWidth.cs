namespace Qnn.Engine.Execution;

/// <summary>The integer lanes a layer of a <see cref="LaneNetwork"/> runs in, chosen by the
/// largest |z| its inputs can reach: the narrowest holds the most samples per vector.</summary>
internal enum LaneWidth
{
    /// <summary>int8: 64 samples a vector, |z| ≤ 126, no multiplied weights (there is no byte multiply).</summary>
    Bytes = 1,
    /// <summary>int16: 32 samples a vector, |z| ≤ 16383.</summary>
    Shorts = 2,
    /// <summary>int32: 16 samples a vector.</summary>
    Ints = 4,
}
