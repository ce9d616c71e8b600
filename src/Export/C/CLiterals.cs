using System.Globalization;

namespace Qnn.Export.C;

/// <summary>Numbers as C99 literals that compile to exactly the same value.</summary>
internal static class CLiterals
{
    /// <summary>A float32 with nine significant digits (enough to round-trip) and the f suffix.</summary>
    public static string Float(float value)
    {
        if (!float.IsFinite(value))
            throw new ExportException($"a non-finite float ({value}) cannot be written as C");
        var text = value.ToString("G9", CultureInfo.InvariantCulture);
        if (!text.Contains('.') && !text.Contains('E'))
            text += ".0";
        return text + "f";
    }

    /// <summary>An int32 (the extremes by their <c>stdint.h</c> names, valid whatever int's width).</summary>
    public static string Int32(int value) => value switch
    {
        int.MinValue => "INT32_MIN",
        int.MaxValue => "INT32_MAX",
        _ => value < -32767 || value > 32767 ? $"{value.ToString(CultureInfo.InvariantCulture)}L" : value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A uint32 word in hex.</summary>
    public static string Word(uint value) => $"0x{value:X8}UL";

    /// <summary>Comma-separated items, a fixed number a line, indented.</summary>
    public static string List<T>(IEnumerable<T> items, Func<T, string> format, int perLine)
    {
        var text = new System.Text.StringBuilder();
        var n = 0;
        foreach (var item in items)
        {
            text.Append(n % perLine == 0 ? (n == 0 ? "    " : ",\n    ") : ", ");
            text.Append(format(item));
            n++;
        }
        return text.ToString();
    }

    /// <summary>Text safe inside a C comment (no comment end, no line break).</summary>
    public static string Comment(string text) => text.Replace("*/", "* /").Replace('\n', ' ').Replace('\r', ' ');
}
