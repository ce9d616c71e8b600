using System.Globalization;

namespace Qnn.Host.Data;

/// <summary>
/// Reads UCI's <c>column_3C.dat</c>: six space-separated numbers and a label (DH, SL or NO) per
/// row. Classes are numbered in sorted order, as scikit-learn's LabelEncoder does: DH, NO, SL.
/// </summary>
public static class VertebralReader
{
    public static readonly string[] ClassNames = { "DH", "NO", "SL" };
    public const int Features = 6;

    public static (float[] Features, long[] Labels) Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot read: {e.Message}", e);
        }
        return Parse(lines, path);
    }

    /// <summary>Reads the rows of a table; <paramref name="path"/> names it in errors.</summary>
    public static (float[] Features, long[] Labels) Parse(IReadOnlyList<string> lines, string path)
    {
        var features = new List<float>();
        var labels = new List<long>();
        for (var i = 0; i < lines.Count; i++)
        {
            var cells = lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length == 0)
                continue;
            if (cells.Length != Features + 1)
                throw new DataException($"{path}: line {i + 1} has {cells.Length} columns; each row needs {Features} numbers and a label");
            for (var c = 0; c < Features; c++)
            {
                if (!float.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
                    throw new DataException($"{path}: line {i + 1}, column {c + 1}: '{cells[c]}' is not a number");
                features.Add(value);
            }
            var label = Array.IndexOf(ClassNames, cells[Features]);
            if (label < 0)
                throw new DataException($"{path}: line {i + 1}: unknown label '{cells[Features]}'; expected one of {string.Join(", ", ClassNames)}");
            labels.Add(label);
        }
        if (labels.Count == 0)
            throw new DataException($"{path}: the file has no rows");
        return (features.ToArray(), labels.ToArray());
    }
}
