using System.Text.RegularExpressions;
using Qnn.Export.C;

namespace Qnn.Export.Device;

/// <summary>
/// The flash of a model's C without a compiler: the tables (.rodata) counted from
/// the source's <c>static const</c> arrays (element size × count, each aligned to its element;
/// the popcount table only -DQNN_TABLE_POPCOUNT compiles left out),
/// the code from the core's <see cref="TextModel"/>. (The static RAM is the plan's
/// <c>StaticBytes</c>: the generated C has no initialized mutable data, .data is 0;
/// tests/Host.Tests/CExportTests.cs checks it.)
/// </summary>
public static partial class FlashModel
{
    /// <summary>Bytes of the tables <paramref name="source"/> declares.</summary>
    public static long Rodata(string source)
    {
        var bytes = 0L;
        foreach (Match m in Table().Matches(source))
        {
            // The popcount table is compiled only with -DQNN_TABLE_POPCOUNT.
            if (m.Groups["name"].Value == "qnn_bits")
                continue;
            var size = ElementBytes(m.Groups["type"].Value);
            var count = m.Groups["count"].Value is { Length: > 0 } given
                ? long.Parse(given, System.Globalization.CultureInfo.InvariantCulture)
                : m.Groups["values"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
            bytes = (bytes + size - 1) / size * size + size * count;
        }
        return bytes;
    }

    /// <summary>The estimated flash (text + rodata) of <paramref name="source"/> for a target.</summary>
    public static long Flash(CSource source, IReadOnlyList<LayerWork> layers, DeviceTarget target) =>
        target.Text.Of(layers.Select(w => w.Code)) + Rodata(source.Source);

    private static int ElementBytes(string type) => type switch
    {
        "uint8_t" or "int8_t" => 1,
        "uint16_t" or "int16_t" => 2,
        "int64_t" or "uint64_t" => 8,
        _ => 4,
    };

    [GeneratedRegex(@"static const (?<type>\w+) (?<name>\w+)\[(?<count>\d*)L?\] = \{(?<values>[^}]*)\};")]
    private static partial Regex Table();
}
