using System.Globalization;
using nietras.SeparatedValues;

namespace Qnn.Host.Data;

/// <summary>
/// Reads a user's table: numeric feature columns and a label column (the last, or the one
/// <c>--label-column</c> names by 0-based index or header name). Separator: comma, semicolon or
/// tab, whichever the first line uses; fields may be quoted (RFC 4180, read by Sep). A first row
/// whose feature cells are not all numbers is a header. Labels are classes, numbered in sorted order (numerically when all are numbers).
/// </summary>
public static class CsvReader
{
    public sealed record Table(float[] Features, long[] Labels, int FeatureCount, IReadOnlyList<string> ClassNames);

    /// <summary>The largest table read: its text is held whole while it is parsed.</summary>
    public const long MaxBytes = 256L << 20;

    public static Table Read(string flag, string path, string? labelColumn) => FromRows(path, ReadRows(flag, path), labelColumn);

    /// <summary>The file's non-blank rows as <see cref="Rows"/> gives them; a file that is not a
    /// regular readable one of at most <see cref="MaxBytes"/>, or an empty one, is a
    /// <see cref="DataException"/> (<paramref name="flag"/> names where the path came from).</summary>
    public static List<(string[] Cells, int Line)> ReadRows(string flag, string path)
    {
        var bytes = Persistence.InputFile.ReadAllBytes(flag, path, MaxBytes);
        string text;
        // Drops a UTF-8 or UTF-16 byte-order mark, as File.ReadAllText does.
        using (var reader = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
            text = reader.ReadToEnd();
        var rows = Rows(text);
        if (rows.Count == 0)
            throw new DataException($"{path}: the file is empty");
        return rows;
    }

    /// <summary>The non-blank rows, unquoted and trimmed, each with the line it starts on. Sep does
    /// the RFC 4180 work: quoted fields with separators, quotes or line breaks inside, CRLF.</summary>
    private static List<(string[] Cells, int Line)> Rows(string text)
    {
        var rows = new List<(string[], int)>();
        if (text.Trim().Length == 0)
            return rows;
        var options = new SepReaderOptions(Separator(text))
        {
            HasHeader = false, Unescape = true, Trim = SepTrim.All, DisableColCountCheck = true,
        };
        using var reader = options.FromText(text);
        foreach (var row in reader)
        {
            if (row.Span.Trim().Length == 0)
                continue;
            var cells = new string[row.ColCount];
            for (var c = 0; c < cells.Length; c++)
                cells[c] = row[c].ToString();
            // Sep numbers its first row's line as the second (the row it reads to look for a
            // header); every text starts on line 1.
            rows.Add((cells, row.RowIndex == 0 ? 1 : row.LineNumberFrom));
        }
        return rows;
    }

    /// <summary>Comma, semicolon or tab: whichever the first non-blank line uses most outside quotes.</summary>
    private static Sep Separator(string text)
    {
        var first = text.Split('\n').First(line => line.Trim().Length > 0);
        var counts = new Dictionary<char, int> { [','] = 0, [';'] = 0, ['\t'] = 0 };
        var quoted = false;
        foreach (var ch in first)
        {
            if (ch == '"')
                quoted = !quoted;
            else if (!quoted && counts.ContainsKey(ch))
                counts[ch]++;
        }
        return new Sep(counts.OrderByDescending(p => p.Value).First().Key);
    }

    private static Table FromRows(string path, List<(string[] Cells, int Line)> rows, string? labelColumn)
    {
        var first = rows[0].Cells;
        var columns = first.Length;
        if (columns < 2)
            throw new DataException($"{path}: line {rows[0].Line} has {columns} column; a table needs at least one feature and a label");
        // A label column named rather than numbered implies a header; otherwise a first row whose
        // feature cells are not all numbers is one.
        int? numberedLabel = labelColumn is null ? columns - 1
            : int.TryParse(labelColumn, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
        var header = numberedLabel is not { } numbered || first.Where((_, c) => c != numbered).Any(cell => !IsNumber(cell)) ? first : null;
        var label = LabelIndex(path, labelColumn, header, columns);
        if (header is not null)
            rows.RemoveAt(0);
        if (rows.Count == 0)
            throw new DataException($"{path}: the file has a header but no rows");

        var features = new List<float>();
        var rawLabels = new List<string>();
        foreach (var (cells, line) in rows)
        {
            if (cells.Length != columns)
                throw new DataException($"{path}: line {line} has {cells.Length} columns; expected {columns}");
            for (var c = 0; c < columns; c++)
            {
                if (c == label)
                    continue;
                if (!TryParseNumber(cells[c], out var value))
                    throw new DataException($"{path}: line {line}, column {c + 1}: '{Printable(cells[c])}' is not a number");
                features.Add(value);
            }
            if (cells[label].Length == 0)
                throw new DataException($"{path}: line {line}: the label is empty");
            rawLabels.Add(cells[label]);
        }
        // Numeric labels are numbers: `1` and `1.0` are one class, named as the number prints.
        var keys = rawLabels.All(IsNumber)
            ? rawLabels.Select(l => double.Parse(l, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)).ToList()
            : rawLabels;
        var classes = keys.Distinct().ToList();
        classes = rawLabels.All(IsNumber)
            ? classes.OrderBy(c => double.Parse(c, CultureInfo.InvariantCulture)).ToList()
            : classes.OrderBy(c => c, StringComparer.Ordinal).ToList();
        if (classes.Count < 2)
            throw new DataException($"{path}: every row has the label '{classes[0]}'; a classification table needs at least two classes");
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (long)p.i);
        return new Table(features.ToArray(), keys.Select(l => index[l]).ToArray(), columns - 1, classes);
    }

    private static int LabelIndex(string path, string? labelColumn, string[]? header, int columns)
    {
        if (labelColumn is null)
            return columns - 1;
        if (int.TryParse(labelColumn, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
        {
            if (index < 0 || index >= columns)
                throw new Qnn.Host.Cli.UsageException($"--label-column {index} is outside the table's columns 0..{columns - 1}");
            return index;
        }
        var named = header is null ? -1 : Array.IndexOf(header, labelColumn);
        if (named < 0)
            throw new Qnn.Host.Cli.UsageException($"--label-column '{labelColumn}' names no column of {path}" + (header is null ? " (it has no header row)" : $"; columns: {string.Join(", ", header)}"));
        return named;
    }

    internal static bool IsNumber(string cell) =>
        !HasControlCharacters(cell) && double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v);

    /// <summary>A finite float32 written as a number and nothing else: .NET's parser ignores trailing
    /// NUL characters ("2\0" would read as 2), so a cell with a control character is no number.</summary>
    internal static bool TryParseNumber(string cell, out float value)
    {
        value = 0;
        return !HasControlCharacters(cell) && float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);
    }

    private static bool HasControlCharacters(string cell) => cell.AsSpan().IndexOfAnyInRange('\0', '\x1f') >= 0 || cell.Contains('\x7f');

    /// <summary>A cell as a message shows it: control characters escaped, at most 40 characters.</summary>
    internal static string Printable(string cell)
    {
        var shown = string.Concat(cell.Take(40).Select(ch => char.IsControl(ch) ? $"\\u{(int)ch:x4}" : ch.ToString()));
        return cell.Length > 40 ? shown + "…" : shown;
    }
}
