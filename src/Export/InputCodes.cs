using Qnn.Engine;

namespace Qnn.Export;

/// <summary>
/// The input quantizer as the engine runs it: integer codes per input, and, because codes of
/// different widths must add up in one integer sum, one common denominator D with a multiplier
/// D / L_i per input (L_i = 2^bits − 1 levels). Where that cannot be an integer sum (a width above
/// 24 bits, which the core does not round, or a denominator that would overflow), the first
/// layer sums reals instead: each input divided by its <see cref="Divisors"/> entry (L_i, or 1 for
/// an unrounded input), as the core divides.
/// </summary>
internal sealed record InputCodes(InputStage Stage, long Denominator, int[]? Multipliers, float[] Divisors)
{
    /// <summary>Whether the first layer may sum the codes as integers.</summary>
    public bool Integer => Multipliers is not null;

    public static InputCodes Of(int[] shape, InputQuantizer quantizer)
    {
        var bits = quantizer.Bits;
        var stage = new InputStage(shape, quantizer.Low.data<float>().ToArray(), quantizer.High.data<float>().ToArray(), bits);
        var size = shape.Aggregate(1, (p, n) => p * n);
        var divisors = Enumerable.Range(0, size).Select(i => bits[bits.Length == 1 ? 0 : i] is var b && b <= InputStage.MaxCodeBits ? (float)((1L << b) - 1) : 1f).ToArray();
        if (!stage.AllCodes)
            return new InputCodes(stage, 1, null, divisors);
        var levels = bits.Select(b => (1L << b) - 1).ToArray();
        long denominator = 1;
        foreach (var l in levels)
        {
            denominator = denominator / Gcd(denominator, l) * l;
            if (denominator * size >= int.MaxValue)
                return new InputCodes(stage, 1, null, divisors);
        }
        var multipliers = Enumerable.Range(0, size).Select(i => (int)(denominator / levels[levels.Length == 1 ? 0 : i])).ToArray();
        return new InputCodes(stage, denominator, multipliers, divisors);
    }

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
}
