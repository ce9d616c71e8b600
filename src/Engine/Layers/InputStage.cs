using System.Runtime.Intrinsics;

namespace Qnn.Engine;

/// <summary>
/// The trained input quantizer as integer codes: code = round((clamp(x, low, high) - low) /
/// max(high - low, 1e-30) · L) with L = 2^bits - 1, computed in float32 with the same operations as
/// training (round half to even), so every code equals the one TorchSharp computed. One range
/// for the whole sample, or one per feature. A width above <see cref="MaxCodeBits"/> (up to
/// <see cref="MaxBits"/>, format version 5) is not rounded by the core either: such a feature
/// passes as its real position (clamp(x, low, high) − low) / span in [0, 1], and only a layer
/// that sums real inputs may take it.
/// </summary>
public sealed class InputStage
{
    /// <summary>The widest input code: exact integers in float32 end at 24 bits. The core's
    /// <c>Limits.MaxCodeBits</c> states the same limit for training; a test keeps them equal.</summary>
    public const int MaxCodeBits = 24;

    /// <summary>The widest input the core declares (32-bit inputs are unrounded floats).</summary>
    public const int MaxBits = 32;

    private readonly float[] low;
    private readonly float[] span;
    private readonly float[] levels;

    /// <param name="shape">The sample's shape: [features] or [channels, height, width].</param>
    /// <param name="low">The calibrated low end: one value, or one per feature.</param>
    /// <param name="high">The calibrated high end, like <paramref name="low"/>.</param>
    /// <param name="bits">Code widths, like <paramref name="low"/>.</param>
    public InputStage(int[] shape, float[] low, float[] high, int[] bits)
    {
        Shape = shape;
        Size = shape.Aggregate(1, (p, n) => p * n);
        if (low.Length != high.Length || low.Length != bits.Length || (low.Length != 1 && low.Length != Size))
            throw new ArgumentException($"the input range needs 1 or {Size} entries, got {low.Length}, {high.Length} and {bits.Length}");
        this.low = low;
        this.span = low.Zip(high, (l, h) => MathF.Max(h - l, 1e-30f)).ToArray();
        Bits = bits;
        levels = bits.Select(b => (float)((1L << Math.Min(b, MaxCodeBits)) - 1)).ToArray();
        High = high;
    }

    /// <summary>The sample shape.</summary>
    public int[] Shape { get; }

    /// <summary>Values per sample.</summary>
    public int Size { get; }

    /// <summary>The code widths.</summary>
    public int[] Bits { get; }

    /// <summary>The low ends of the ranges.</summary>
    public float[] Low => low;

    /// <summary>The high ends of the ranges.</summary>
    public float[] High { get; }

    /// <summary>Whether every feature is an integer code (no width above <see cref="MaxCodeBits"/>).</summary>
    public bool AllCodes => Bits.All(b => b <= MaxCodeBits);

    /// <summary>The levels L of feature <paramref name="index"/>.</summary>
    public float LevelsOf(int index) => levels[levels.Length == 1 ? 0 : index];

    /// <summary>Writes the integer codes (as exact floats) of one sample.</summary>
    public void Encode(ReadOnlySpan<float> sample, Span<float> codes)
    {
        if (sample.Length != Size)
            throw new ArgumentException($"a sample has {Size} values, got {sample.Length}");
        var i = 0;
        if (low.Length == 1 && Bits[0] <= MaxCodeBits && Vector512.IsHardwareAccelerated)
        {
            // The same float32 operations 16 at a time (comparisons as Math.Clamp: NaN passes through).
            var (lo, hi, width, top) = (Vector512.Create(low[0]), Vector512.Create(High[0]), Vector512.Create(span[0]), Vector512.Create(levels[0]));
            for (; i + 16 <= Size; i += 16)
            {
                var x = Vector512.Create(sample.Slice(i, 16));
                var clamped = Vector512.ConditionalSelect(Vector512.LessThan(x, lo), lo, Vector512.ConditionalSelect(Vector512.GreaterThan(x, hi), hi, x));
                Vector512.Round((clamped - lo) / width * top).CopyTo(codes.Slice(i, 16));
            }
        }
        for (; i < Size; i++)
        {
            var r = low.Length == 1 ? 0 : i;
            var clamped = Math.Clamp(sample[i], low[r], High[r]);
            codes[i] = Bits[r] <= MaxCodeBits
                ? MathF.Round((clamped - low[r]) / span[r] * levels[r], MidpointRounding.ToEven)
                : (clamped - low[r]) / span[r];
        }
    }
}
