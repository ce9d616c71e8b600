using System.Globalization;
using Qnn.Host.Cli;
using Qnn.Search;
using Qnn.Search.Costs;
using Qnn.Search.Trials;

namespace Qnn.Host.Reports;

/// <summary>A study's Pareto front as a table: accuracy and its std over the folds, the cost in
/// every model, the weight bits, and the spec in one line.</summary>
public static class StudyTable
{
    public static void Write(Terminal terminal, IReadOnlyList<Trial> front, CostModel optimized)
    {
        terminal.Out.WriteLine($"Pareto front ({front.Count} trials; cost optimized: {optimized.ToString().ToLowerInvariant()}):");
        var rows = front.Select(t =>
        {
            var spec = Spec.ofJson(t.SpecJson!).ResultValue;
            var c = t.Costs!;
            return (IReadOnlyList<string>)new[]
            {
                t.Number.ToString(CultureInfo.InvariantCulture), Percent(t.Accuracy), Percent(t.AccuracyStd),
                N(c.Complexity), N(c.Bitops), N(c.Bytes), N(Spec.cost(spec).WeightBits), SpecSummary.OneLine(spec),
            };
        }).ToList();
        ConsoleTable.Write(terminal, new[] { "trial", "accuracy", "std", "complexity", "bitops", "bytes", "weight bits", "spec" }, rows, leftAligned: 1);
    }

    private static string Percent(double? fraction) => fraction is { } f ? (f * 100).ToString("F2", CultureInfo.InvariantCulture) + "%" : "–";

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
