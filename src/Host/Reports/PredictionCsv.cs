using System.Globalization;
using Qnn.Engine;

namespace Qnn.Host.Reports;

/// <summary>`qnn predict --input`'s table: <c>row,class[,label],logit_0,…,logit_{C−1}</c>, one line
/// per sample (row numbered from 0 in input order), invariant culture, logits in round-trip form;
/// the label column appears where the engine file names its classes.</summary>
public static class PredictionCsv
{
    public static void Write(TextWriter w, EngineModel model, float[] logits, int count)
    {
        var classes = model.Classes;
        var names = model.ClassNames;
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
        }
    }

    /// <summary>A cell as RFC 4180 writes it: quoted (quotes doubled) when it holds a separator, a quote or a line break.</summary>
    private static string Quoted(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") < 0 && cell.Trim().Length == cell.Length ? cell : $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
