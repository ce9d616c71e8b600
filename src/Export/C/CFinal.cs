using System.Globalization;
using Qnn.Engine;

namespace Qnn.Export.C;

/// <summary>
/// What follows the last layer where it sums integers (<see cref="CValues.Sums"/>): its affine form
/// logit = (z · scale) · α + β, applied once per class after the layers. <c>NAME_logits_of</c>
/// computes it in float32 in the engine's order (the logits equal the engine's); <c>NAME_decide</c>
/// picks the class in fixed point, z · A + B in int64 with A = round(scale · α · 2^s) and
/// B = round(β · 2^s), so the class costs no float: on a core without a float unit it links no
/// soft-float routine. A has 30 bits, more than float32's 24, so the two can disagree only where
/// the two largest logits are within float32 rounding of each other.
/// </summary>
internal static class CFinal
{
    /// <summary>The largest |A| (2^30) and |B| (2^61): |z| &lt; 2^31 (QnnxLimits bounds every
    /// sum by int32), so |z · A| + |B| &lt; 2^62 and nothing overflows.</summary>
    private const double MaxA = 1 << 30, MaxB = 1L << 61;

    /// <summary>The tables and both functions; <paramref name="positions"/> outputs share a channel.</summary>
    public static string Source(string prefix, string upper, LayerOutput output, int positions)
    {
        var channels = output.Alpha!.Length;
        var slopes = output.Alpha.Select(a => (double)output.Scale * a).ToArray();
        var shift = Shift(slopes, output.Beta!.Select(b => (double)b).ToArray());
        var a = slopes.Select(v => (int)Math.Round(Math.ScaleB(v, shift))).ToArray();
        var b = output.Beta!.Select(v => (long)Math.Round(Math.ScaleB(v, shift))).ToArray();
        var ch = positions == 1 ? "j" : $"j / {positions}L";
        return $$"""
            /* The last layer's affine form, once per class: in float32 for the logits, and in fixed
               point (A = scale * alpha * 2^{{shift}}, B = beta * 2^{{shift}}, rounded) for the class. */
            static const float {{prefix}}_final_alpha[{{channels}}] = {
            {{CLiterals.List(output.Alpha, CLiterals.Float, 6)}}
            };
            static const float {{prefix}}_final_beta[{{channels}}] = {
            {{CLiterals.List(output.Beta!, CLiterals.Float, 6)}}
            };
            static const int32_t {{prefix}}_final_a[{{channels}}] = {
            {{CLiterals.List(a, CLiterals.Int32, 6)}}
            };
            static const int64_t {{prefix}}_final_b[{{channels}}] = {
            {{CLiterals.List(b, v => v.ToString(CultureInfo.InvariantCulture) + "LL", 4)}}
            };

            /* The logits from the sums z as the engine computes them: (float)z * scale * alpha + beta. */
            static void {{prefix}}_logits_of(const uint32_t *sums, float *logits)
            {
                int32_t j;
                for (j = 0; j < {{upper}}_CLASSES; j++) {
                    const int32_t ch = {{ch}};
                    logits[j] = (float)(int32_t)sums[j] * {{CLiterals.Float(output.Scale)}} * {{prefix}}_final_alpha[ch] + {{prefix}}_final_beta[ch];
                }
            }

            /* The class from the sums in integers: the first largest z * A + B. */
            static int {{prefix}}_decide(const uint32_t *sums)
            {
                int64_t best = 0;
                int32_t j;
                int top = 0;
                for (j = 0; j < {{upper}}_CLASSES; j++) {
                    const int32_t ch = {{ch}};
                    const int64_t score = (int64_t)(int32_t)sums[j] * {{prefix}}_final_a[ch] + {{prefix}}_final_b[ch];
                    if (j == 0 || score > best) {
                        best = score;
                        top = (int)j;
                    }
                }
                return top;
            }


            """;
    }

    /// <summary>The largest s with every |slope| · 2^s ≤ 2^30 and |offset| · 2^s ≤ 2^61 (0 where all are 0).</summary>
    private static int Shift(double[] slopes, double[] offsets)
    {
        var slope = slopes.Max(Math.Abs);
        var offset = offsets.Max(Math.Abs);
        var shift = int.MaxValue;
        if (slope > 0)
            shift = (int)Math.Floor(Math.Log2(MaxA / slope));
        if (offset > 0)
            shift = Math.Min(shift, (int)Math.Floor(Math.Log2(MaxB / offset)));
        if (shift == int.MaxValue)
            return 0;
        // Log2 may round up at an exact power of two: step down until the bounds hold.
        while (slope * Math.Pow(2, shift) > MaxA || offset * Math.Pow(2, shift) > MaxB)
            shift--;
        return Math.Clamp(shift, -60, 200);
    }
}
