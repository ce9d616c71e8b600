using Qnn.Host.Persistence;
using ScottPlot;

namespace Qnn.Host.Reports;

/// <summary>
/// Draws the runs' learning curves to a PNG (ScottPlot) in two panels: cross-entropy loss on the
/// left, test accuracy on the right. Up to <see cref="MostRunsDrawn"/> runs each get a colour,
/// train solid and test dashed; more runs are drawn as the mean with a min–max band. The legend sits
/// outside the data, at the right.
/// </summary>
public static class CurvePlot
{
    public const int MostRunsDrawn = 5;
    private const float Width = 2;

    /// <summary>Draws the plot to <paramref name="path"/> through a temporary file.</summary>
    public static void Save(string path, string title, IReadOnlyList<RunResult> runs) =>
        AtomicFile.Write(path, temporary => Draw(temporary, title, runs));

    /// <summary>Draws the plot as a PNG to <paramref name="file"/> as it is.</summary>
    public static void Draw(string file, string title, IReadOnlyList<RunResult> runs)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var loss = multiplot.GetPlot(0);
        var accuracy = multiplot.GetPlot(1);
        loss.Title($"{title}: loss");
        loss.XLabel("epoch");
        loss.YLabel("cross-entropy loss");
        accuracy.Title("test accuracy");
        accuracy.XLabel("epoch");
        accuracy.YLabel("test accuracy (%)");
        // Epochs are whole numbers: no ticks at 1.5, 2.5 …
        foreach (var plot in new[] { loss, accuracy })
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

        if (runs.Count <= MostRunsDrawn)
        {
            EachRun(loss, accuracy, runs);
            // The key to the line styles that every run's colour shares.
            accuracy.Legend.ManualItems.Add(new LegendItem { LabelText = "train", LineColor = Colors.Gray, LineWidth = Width });
            accuracy.Legend.ManualItems.Add(new LegendItem { LabelText = "test", LineColor = Colors.Gray, LineWidth = Width, LinePattern = LinePattern.Dashed });
        }
        else
        {
            MeanAndRange(loss, accuracy, runs);
        }
        accuracy.ShowLegend(Edge.Right);
        multiplot.SavePng(file, 1400, 560);
    }

    private static void EachRun(Plot loss, Plot accuracy, IReadOnlyList<RunResult> runs)
    {
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var run in runs)
        {
            var color = palette.GetColor(run.Run);
            var epochs = run.History.Select(e => (double)e.Epoch).ToArray();
            Line(loss, epochs, run.History.Select(e => e.TrainLoss).ToArray(), color, dashed: false);
            Line(loss, epochs, run.History.Select(e => e.TestLoss).ToArray(), color, dashed: true);
            Line(accuracy, epochs, run.History.Select(e => e.TestAccuracy * 100).ToArray(), color, dashed: true);
            accuracy.Legend.ManualItems.Add(new LegendItem { LabelText = $"run {run.Run + 1}", LineColor = color, LineWidth = Width });
        }
    }

    /// <summary>Per epoch, over the runs that reached it: the mean as a line, min to max as a band.</summary>
    private static void MeanAndRange(Plot loss, Plot accuracy, IReadOnlyList<RunResult> runs)
    {
        var palette = new ScottPlot.Palettes.Category10();
        var epochs = Enumerable.Range(1, runs.Max(r => r.History.Length)).ToArray();
        void Band(Plot plot, Func<EpochRecord, double> value, Color color, bool dashed, string label)
        {
            var x = epochs.Select(e => (double)e).ToArray();
            var values = epochs.Select(e => runs.Where(r => r.History.Length >= e).Select(r => value(r.History[e - 1])).ToArray()).ToArray();
            var band = plot.Add.FillY(x, values.Select(v => v.Min()).ToArray(), values.Select(v => v.Max()).ToArray());
            band.FillColor = color.WithAlpha(0.2);
            band.LineColor = Colors.Transparent;
            Line(plot, x, values.Select(v => v.Average()).ToArray(), color, dashed);
            accuracy.Legend.ManualItems.Add(new LegendItem { LabelText = label, LineColor = color, LineWidth = Width, LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid });
        }
        Band(loss, e => e.TrainLoss, palette.GetColor(0), dashed: false, "train loss, mean");
        Band(loss, e => e.TestLoss, palette.GetColor(1), dashed: true, "test loss, mean");
        Band(accuracy, e => e.TestAccuracy * 100, palette.GetColor(2), dashed: true, "test accuracy, mean");
        accuracy.Legend.ManualItems.Add(new LegendItem { LabelText = $"band: min–max of {runs.Count} runs", FillColor = Colors.Gray.WithAlpha(0.3) });
    }

    private static void Line(Plot plot, double[] x, double[] y, Color color, bool dashed)
    {
        var line = plot.Add.ScatterLine(x, y, color);
        line.LineWidth = Width;
        line.LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
    }
}
