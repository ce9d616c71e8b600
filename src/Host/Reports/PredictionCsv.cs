using System.Globalization;
using Qnn.Engine;

namespace Qnn.Host.Reports;

/// <summary>`qnn predict --input`'s table: <c>row,class[,label],logit_0,…,logit_{C−1}</c>, one line
/// per sample (row numbered from 0 in input order), invariant culture, logits in round-trip form;
/// the label column appears where the engine file names its classes. Rows go out in blocks of
/// about 64 KB (one write each, not one per cell: standard output flushes every write), and
/// <c>stop</c> is asked between blocks, so a reader that went away ends the table at once.</summary>
public static class PredictionCsv
{
    private const int BlockChars = 1 << 16;

    public static void Write(TextWriter output, EngineModel model, float[] logits, int count, Func<bool>? stop = null)
    {
        var classes = model.Classes;
        var names = model.ClassNames;
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.Write("row,class");
        if (names is not null)
            w.Write(",label");
        for (var j = 0; j < classes; j++)
            w.Write(string.Create(CultureInfo.InvariantCulture, $",logit_{j}"));
        w.Write('\n');
        for (var s = 0; s < count; s++)
        {
            var row = logits.AsSpan(s * classes, classes);
            var best = 0;
            for (var j = 1; j < classes; j++)
            {
                if (row[j] > row[best])
                    best = j;
            }
            w.Write(s.ToString(CultureInfo.InvariantCulture));
            w.Write(',');
            w.Write(best.ToString(CultureInfo.InvariantCulture));
            if (names is not null)
            {
                w.Write(',');
                w.Write(Quoted(names[best]));
            }
            foreach (var value in row)
            {
                w.Write(',');
                w.Write(value.ToString("R", CultureInfo.InvariantCulture));
            }
            w.Write('\n');
            if (w.GetStringBuilder().Length >= BlockChars)
            {
                output.Write(w.GetStringBuilder().ToString());
                w.GetStringBuilder().Clear();
                if (stop?.Invoke() == true)
                    return;
            }
        }
        output.Write(w.GetStringBuilder().ToString());
    }

    /// <summary>A cell as RFC 4180 writes it: quoted (quotes doubled) when it holds a separator, a quote or a line break.</summary>
    private static string Quoted(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") < 0 && cell.Trim().Length == cell.Length ? cell : $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
