using Qnn.Engine;

namespace Qnn.Export;

/// <summary>
/// The input quantizer as the engine runs it: integer codes per input, and, because codes of
/// different widths must add up in one integer sum, one common denominator D with a multiplier
/// D / L_i per input (L_i = 2^bits − 1 levels).
/// </summary>
internal sealed record InputCodes(InputStage Stage, long Denominator, int[] Multipliers)
{
    public static InputCodes Of(string model, int[] shape, InputQuantizer quantizer)
    {
        var bits = quantizer.Bits;
        if (bits.Any(b => b > Limits.MaxCodeBits))
            throw new ExportException($"{model} takes {bits.Max()}-bit (float) input; the engine takes integer input codes of at most {Limits.MaxCodeBits} bits");
        var stage = new InputStage(shape, quantizer.Low.data<float>().ToArray(), quantizer.High.data<float>().ToArray(), bits);
        var levels = bits.Select(b => (1L << b) - 1).ToArray();
        var denominator = levels.Aggregate(1L, (d, l) => d / Gcd(d, l) * l);
        var size = shape.Aggregate(1, (p, n) => p * n);
        if (denominator * size >= int.MaxValue)
            throw new ExportException($"input widths {string.Join(", ", bits.Distinct())} over {size} inputs overflow integer accumulation");
        var multipliers = Enumerable.Range(0, size).Select(i => (int)(denominator / levels[levels.Length == 1 ? 0 : i])).ToArray();
        return new InputCodes(stage, denominator, multipliers);
    }

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
}
