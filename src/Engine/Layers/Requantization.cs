namespace Qnn.Engine;

/// <summary>
/// A k-bit activation after an integer layer as integer requantization (CMSIS-NN and BitNetMCU
/// requantize the same way) instead of 2^k − 1 folded thresholds per output: output j's code for
/// the integer pre-activation z is, with x = z (x = −z where <see cref="Falling"/>: BatchNorm's
/// scale is negative) and d = x − <see cref="Base"/> (below 2^32),
/// <code>code = x &lt; Base ? 0 : min(Top, ⌊(d · Multiplier + Offset) / 2^Shift⌋)</code>
/// in 64-bit integers (a multiplier below 2^31 and an offset below 2^63 keep the sum within 64
/// bits). Four numbers an output (17 bytes in the file) replace Top thresholds; the code is still
/// exactly "how many of Top nested thresholds fire", and <see cref="Boundaries"/> gives those
/// thresholds, so every path that counts thresholds computes the same codes.
/// </summary>
public sealed class Requantization
{
    /// <summary>Bytes an output takes in the .qnnx: i32 base, u8 falling, u32 multiplier, u64 offset, u8 shift.</summary>
    public const int FileBytes = 4 + 1 + 4 + 8 + 1;

    /// <summary>The widest shift (an offset of a code up to 255 in units of 2^−55 stays below 2^63).</summary>
    public const int MaxShift = 55;

    /// <summary>The largest top code (8-bit codes).</summary>
    public const int MaxTop = 255;

    /// <summary>Codes 0..<paramref name="top"/> for each output's base, direction, multiplier,
    /// offset and shift; throws <see cref="ArgumentException"/> where the arrays differ in length,
    /// the top passes <see cref="MaxTop"/>, a multiplier 2^31 − 1, an offset 2^63 − 1 or a shift
    /// <see cref="MaxShift"/>.</summary>
    public Requantization(int top, int[] @base, bool[] falling, uint[] multiplier, ulong[] offset, byte[] shift)
    {
        var n = @base.Length;
        if (top is < 1 or > MaxTop)
            throw new ArgumentException($"requantization: top code {top}; codes of 1 to 8 bits have a top of 1..{MaxTop}");
        if (falling.Length != n || multiplier.Length != n || offset.Length != n || shift.Length != n || n == 0)
            throw new ArgumentException($"requantization: {n} bases, {falling.Length} directions, {multiplier.Length} multipliers, {offset.Length} offsets, {shift.Length} shifts");
        for (var j = 0; j < n; j++)
        {
            if (shift[j] > MaxShift)
                throw new ArgumentException($"requantization: output {j} shifts by {shift[j]}; at most {MaxShift}");
            if (multiplier[j] > int.MaxValue || offset[j] > long.MaxValue)
                throw new ArgumentException($"requantization: output {j}'s multiplier {multiplier[j]} or offset {offset[j]} is too large (below 2^31 and 2^63)");
        }
        (Top, Base, Falling, Multiplier, Offset, Shift) = (top, @base, falling, multiplier, offset, shift);
    }

    /// <summary>The top code L = 2^k − 1 (codes are 0..Top).</summary>
    public int Top { get; }

    /// <summary>Per output: the first x whose code may pass 0.</summary>
    public int[] Base { get; }

    /// <summary>Per output: whether x = −z (the code falls as z rises).</summary>
    public bool[] Falling { get; }

    /// <summary>Per output: the code's slope in units of 2^−Shift a step of z.</summary>
    public uint[] Multiplier { get; }

    /// <summary>Per output: the code at x = Base, in units of 2^−Shift.</summary>
    public ulong[] Offset { get; }

    /// <summary>Per output: the fixed point's fraction bits (0..<see cref="MaxShift"/>).</summary>
    public byte[] Shift { get; }

    /// <summary>Outputs.</summary>
    public int Count => Base.Length;

    /// <summary>The code of output <paramref name="j"/> for pre-activation <paramref name="z"/>
    /// (|z| ≤ int.MaxValue, as every layer's sums are).</summary>
    public int Code(int j, long z)
    {
        var x = Falling[j] ? -z : z;
        if (x < Base[j])
            return 0;
        var value = ((ulong)(x - Base[j]) * Multiplier[j] + Offset[j]) >> Shift[j];
        return value >= (ulong)Top ? Top : (int)value;
    }

    /// <summary>The smallest d ≥ 0 whose code reaches <paramref name="level"/> (1..Top), or null if none does.</summary>
    private long? FirstReaching(int j, int level)
    {
        var needed = (UInt128)level << Shift[j];
        if (Offset[j] >= needed)
            return 0;
        if (Multiplier[j] == 0)
            return null;
        var d = (needed - Offset[j] + Multiplier[j] - 1) / Multiplier[j];
        return d > long.MaxValue ? null : (long)d;
    }

    /// <summary>Top nested thresholds per output, output by output: code ≥ ℓ exactly when
    /// threshold ℓ fires, as <see cref="LayerOutput.Levels"/> counts them.</summary>
    public SignThreshold[] Boundaries()
    {
        var thresholds = new SignThreshold[Count * Top];
        for (var j = 0; j < Count; j++)
            for (var level = 1; level <= Top; level++)
                thresholds[j * Top + level - 1] = Boundary(j, level);
        return thresholds;
    }

    private SignThreshold Boundary(int j, int level)
    {
        if (FirstReaching(j, level) is not { } d || Base[j] + d > int.MaxValue)
            return new SignThreshold(0, ThresholdDirection.Never);
        var x = Base[j] + d;
        if (!Falling[j])
            return new SignThreshold((int)x, ThresholdDirection.AtLeast);
        // −z ≥ x is z ≤ −x; every int32 z fires when −x is at or past int.MaxValue.
        return -x >= int.MaxValue ? new SignThreshold(0, ThresholdDirection.Always) : new SignThreshold((int)-x, ThresholdDirection.AtMost);
    }
}
