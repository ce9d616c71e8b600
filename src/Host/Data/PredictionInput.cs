using System.Globalization;

namespace Qnn.Host.Data;

/// <summary>
/// The samples `qnn predict --input FILE` reads: an IDX image file (gzip'd or not; pixels 0..255
/// as the image data sets give them) or a CSV table of raw feature columns only (no label; a first
/// row that is not all numbers is a header, as the `csv:` reader takes it). Anything the model
/// cannot take — a wrong column count, a cell that is not a number, images of the wrong size — is
/// a <see cref="DataException"/> naming the file and the line.
/// </summary>
public static class PredictionInput
{
    /// <summary>Row-major samples of <paramref name="shape"/>'s size, and how many.</summary>
    public sealed record Samples(float[] Values, int Count);

    public static Samples Read(string path, IReadOnlyList<int> shape)
    {
        Persistence.InputFile.Check("--input", path, long.MaxValue);
        return IsIdx(path) ? Images(path, shape) : Table(path, shape.Aggregate(1, (p, n) => p * n));
    }

    /// <summary>IDX files start with 00 00 08 03 (images), or gzip's 1f 8b around them; a CSV does neither.</summary>
    private static bool IsIdx(string path)
    {
        Span<byte> start = stackalloc byte[4];
        try
        {
            using var file = File.OpenRead(path);
            var read = file.ReadAtLeast(start, 4, throwOnEndOfStream: false);
            return (read >= 2 && start[0] == 0x1f && start[1] == 0x8b)
                || (read == 4 && start[0] == 0 && start[1] == 0 && start[2] == 0x08);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"--input {path}: cannot be read ({e.Message})", e);
        }
    }

    private static Samples Images(string path, IReadOnlyList<int> shape)
    {
        var images = IdxReader.ReadImages("--input", path);
        var fits = shape.Count == 3 ? shape[0] == 1 && shape[1] == images.Rows && shape[2] == images.Columns
            : shape.Count == 1 && shape[0] == images.Rows * images.Columns;
        if (!fits)
            throw new DataException($"{path}: images of {images.Rows}×{images.Columns} pixels; the model takes samples of {string.Join("×", shape)}");
        // As the image data sets: each pixel's byte value as a float (the model's input quantizer scales it).
        var values = new float[images.Pixels.Length];
        for (var i = 0; i < values.Length; i++)
            values[i] = images.Pixels[i];
        return new Samples(values, images.Count);
    }

    private static Samples Table(string path, int size)
    {
        var rows = CsvReader.ReadRows("--input", path);
        if (!rows[0].Cells.All(CsvReader.IsNumber))
        {
            if (rows[0].Cells.Length != size)
                throw new DataException($"{path}: line {rows[0].Line} (the header) has {rows[0].Cells.Length} columns; the model takes {size} features (the raw feature columns, no label)");
            rows.RemoveAt(0);
        }
        if (rows.Count == 0)
            throw new DataException($"{path}: the file has a header but no rows");
        var values = new float[(long)rows.Count * size];
        for (var r = 0; r < rows.Count; r++)
        {
            var (cells, line) = rows[r];
            if (cells.Length != size)
                throw new DataException($"{path}: line {line} has {cells.Length} columns; the model takes {size} features (the raw feature columns, no label)");
            for (var c = 0; c < size; c++)
            {
                if (!CsvReader.TryParseNumber(cells[c], out var value))
                    throw new DataException($"{path}: line {line}, column {c + 1}: '{CsvReader.Printable(cells[c])}' is not a number");
                values[(long)r * size + c] = value;
            }
        }
        return new Samples(values, rows.Count);
    }
}
