using Qnn.Host.Persistence;
namespace Qnn.Host.Reports;

/// <summary>Draws loss and accuracy curves of every run to a PNG (ScottPlot): losses on the left
/// axis, test accuracy in percent on the right.</summary>
public static class CurvePlot
{
    public static void Save(string path, string title, IReadOnlyList<RunResult> runs)
    {
        var plot = new ScottPlot.Plot();
        plot.Title(title);
        plot.XLabel("epoch");
        plot.Axes.Left.Label.Text = "cross-entropy loss";
        plot.Axes.Right.Label.Text = "test accuracy (%)";
        foreach (var run in runs)
        {
            var epochs = run.History.Select(e => (double)e.Epoch).ToArray();
            var suffix = runs.Count > 1 ? $" (run {run.Run + 1})" : "";
            var train = plot.Add.Scatter(epochs, run.History.Select(e => e.TrainLoss).ToArray());
            train.LegendText = "train loss" + suffix;
            var test = plot.Add.Scatter(epochs, run.History.Select(e => e.TestLoss).ToArray());
            test.LegendText = "test loss" + suffix;
            var accuracy = plot.Add.Scatter(epochs, run.History.Select(e => e.TestAccuracy * 100).ToArray());
            accuracy.LegendText = "test accuracy" + suffix;
            accuracy.Axes.YAxis = plot.Axes.Right;
        }
        plot.ShowLegend();
        AtomicFile.Write(path, temporary => plot.SavePng(temporary, 900, 600));
    }
}
