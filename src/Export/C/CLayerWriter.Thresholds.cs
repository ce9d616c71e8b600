using Qnn.Engine;

namespace Qnn.Export.C;

internal sealed partial class CLayerWriter
{
    /// <summary>The tables of folded thresholds (<c>NAME_t</c>, and <c>NAME_f</c> where some
    /// directions differ) and the C condition that threshold <paramref name="index"/> fires for
    /// <c>z</c>. Each threshold becomes one integer t and a flip bit: it fires when (z ≥ t) XOR
    /// flip, since z ≤ h is not (z ≥ h + 1); "always" is t below every z, "never" the same
    /// flipped. With <paramref name="bound"/> (the largest |z| the layer can reach), t is clamped
    /// to ±(bound + 1), which changes no comparison and lets the table take the narrowest type
    /// (an int8_t or int16_t table is half or a quarter of the int32_t pairs a range takes).</summary>
    private string Fires(string name, IReadOnlyList<SignThreshold> thresholds, string index, long? bound)
    {
        var count = thresholds.Count;
        var (at, flip) = (new long[count], new bool[count]);
        for (var k = 0; k < count; k++)
        {
            var threshold = thresholds[k].Threshold;
            (at[k], flip[k]) = thresholds[k].Direction switch
            {
                ThresholdDirection.AtLeast => (threshold, false),
                ThresholdDirection.AtMost => ((long)threshold + 1, true),
                ThresholdDirection.Always => (int.MinValue, false),
                _ => (int.MinValue, true),  // never
            };
            if (bound is { } b)
                at[k] = Math.Clamp(at[k], -(b + 1), b + 1);
        }
        var type = Narrowest(at);
        var format = type == "int32_t" ? (Func<long, string>)(t => CLiterals.Int32((int)t)) : t => t.ToString(System.Globalization.CultureInfo.InvariantCulture);
        text.Append($"static const {type} {name}_t[{count}] = {{\n{CLiterals.List(at, format, 8)}\n}};\n");
        if (flip.All(f => !f))
            return $"z >= {name}_t[{index}]";
        if (flip.All(f => f))
            return $"z < {name}_t[{index}]";
        var words = new uint[(count + 31) / 32];
        for (var k = 0; k < count; k++)
            if (flip[k])
                words[k / 32] |= 1u << (k % 32);
        text.Append($"static const uint32_t {name}_f[{words.Length}] = {{\n{CLiterals.List(words, CLiterals.Word, 6)}\n}};\n");
        return $"(z >= {name}_t[{index}]) != QNN_BIT({name}_f, {index})";
    }
}
