using System.Globalization;

namespace Qnn.Host.Reports;

/// <summary>
/// Shows training progress: on a terminal a bar per run redrawn in place (epochs, loss, accuracy);
/// elsewhere (a file, a pipe, CI) one plain line per epoch.
/// </summary>
public sealed class EpochProgress(TextWriter output, bool interactive, int runs, int epochs)
{
    private const int Width = 20;

    public void Epoch(EpochRecord e)
    {
        var run = runs > 1 ? $"run {e.Run + 1}/{runs} " : "";
        if (interactive)
        {
            var filled = e.Epoch * Width / epochs;
            output.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r{run}[{new string('#', filled)}{new string('-', Width - filled)}] epoch {e.Epoch}/{epochs}  loss {e.TrainLoss:F4}  test acc {e.TestAccuracy * 100:F2}%   "));
            return;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{run}epoch {e.Epoch}/{epochs}: train loss {e.TrainLoss:F4}, test loss {e.TestLoss:F4}, test accuracy {e.TestAccuracy * 100:F2}%, {e.Seconds * 1000:F1} ms"));
    }

    public void RunDone(RunResult result)
    {
        if (interactive)
            output.WriteLine();
        var stop = result.StoppedEarly ? $", stopped early after epoch {result.History.Length}" : "";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"run {result.Run + 1}: accuracy {result.Accuracy * 100:F2}% ({result.History.Length} epochs{stop})"));
    }
}
