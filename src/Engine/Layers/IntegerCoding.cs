namespace Qnn.Engine;

/// <summary>How an <see cref="IntegerDenseLayer"/> stores its weights.</summary>
public enum IntegerCoding
{
    /// <summary>{-1, 0, +1} as two bit-planes: nonzero, and positive (2 bits a weight).</summary>
    Ternary = 1,
    /// <summary>Symmetric n-bit integers in [-(2^(n-1) - 1), 2^(n-1) - 1], one byte each (n ≤ 8).</summary>
    NBits = 2,
}
