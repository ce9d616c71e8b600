using System.Globalization;
using Qnn.Host.Cli;
using Qnn.Search;
using Qnn.Search.Costs;
using Qnn.Search.Trials;

namespace Qnn.Host.Reports;

/// <summary>A study's Pareto front as a table: accuracy and its std over the folds, the cost in
/// every model (the device's where the study has a target), the weight bits, and the spec in one line.</summary>
public static class StudyTable
{
    public static void Write(Terminal terminal, IReadOnlyList<Trial> front, CostModel optimized)
    {
        terminal.Out.WriteLine($"Pareto front ({front.Count} trials; cost optimized: {optimized.ToString().ToLowerInvariant()}):");
        // The device costs are columns where the study has a target (its trials record them).
        var device = front.Any(t => t.Costs?.Flash is not null);
        var rows = front.Select(t =>
        {
            var spec = Spec.ofJson(t.SpecJson!).ResultValue;
            var c = t.Costs!;
            IEnumerable<string> cells = [t.Number.ToString(CultureInfo.InvariantCulture), Percent(t.Accuracy), Percent(t.AccuracyStd), N(c.Complexity), N(c.Bitops), N(c.Bytes)];
            if (device)
                cells = cells.Concat([N(c.Flash), N(c.Ram), N(c.Instructions)]);
            return (IReadOnlyList<string>)cells.Concat([N(Spec.cost(spec).WeightBits), SpecSummary.OneLine(spec)]).ToList();
        }).ToList();
        IEnumerable<string> headers = ["trial", "accuracy", "std", "complexity", "bitops", "bytes"];
        if (device)
            headers = headers.Concat(["flash", "ram", "instructions"]);
        ConsoleTable.Write(terminal, headers.Concat(["weight bits", "spec"]).ToList(), rows, leftAligned: 1);
    }

    private static string Percent(double? fraction) => fraction is { } f ? (f * 100).ToString("F2", CultureInfo.InvariantCulture) + "%" : "–";

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string N(double? value) => value is { } v ? N(v) : "–";
}
