using Qnn.Search;
using Qnn.Search.Costs;
using Qnn.Search.Trials;
using ScottPlot;

namespace Qnn.Host.Reports;

/// <summary>Every complete trial as a point (accuracy against cost, log-scale cost) and the
/// Pareto front as a staircase through its points.</summary>
public static class FrontPlot
{
    public static void Draw(string file, string title, IReadOnlyList<Trial> trials, IReadOnlyList<Trial> front, SearchOptions options)
    {
        double X(Trial t) => Math.Log10(Math.Max(CostModels.Pick(t.Costs!, options.Cost), 1e-9));
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel($"{options.Cost.ToString().ToLowerInvariant()} (log10)");
        plot.YLabel("accuracy (%)");
        var complete = trials.Where(t => t.State == TrialState.Complete && t.Costs is not null && t.Accuracy is not null).ToList();
        var all = plot.Add.ScatterPoints(complete.Select(X).ToArray(), complete.Select(t => t.Accuracy!.Value * 100).ToArray());
        all.LegendText = $"trials ({complete.Count})";
        all.Color = Colors.Gray.WithAlpha(0.6);
        all.MarkerSize = 6;
        var ordered = front.OrderBy(X).ToList();
        var line = plot.Add.Scatter(ordered.Select(X).ToArray(), ordered.Select(t => t.Accuracy!.Value * 100).ToArray());
        line.LegendText = $"Pareto front ({ordered.Count})";
        line.Color = Colors.OrangeRed;
        line.LineWidth = 2;
        line.MarkerSize = 9;
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        plot.ShowLegend(Edge.Right);
        plot.SavePng(file, 1100, 600);
    }
}
