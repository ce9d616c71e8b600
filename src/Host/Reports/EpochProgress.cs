using System.Globalization;
using Qnn.Host.Cli;
using Spectre.Console;

namespace Qnn.Host.Reports;

/// <summary>
/// Shows training progress: on a terminal a Spectre progress bar per run (epochs, loss, accuracy);
/// elsewhere (a file, a pipe, CI) one plain line per epoch.
/// </summary>
public sealed class EpochProgress(Terminal terminal, int runs, int epochs)
{
    private readonly List<string> finished = new();
    private ProgressContext? context;
    private ProgressTask? task;

    /// <summary>Runs <paramref name="training"/>, which reports through <see cref="Epoch"/> and <see cref="RunDone"/>.</summary>
    public void Track(Action<EpochProgress> training)
    {
        if (!terminal.Interactive)
        {
            training(this);
            return;
        }
        terminal.Ansi(terminal.Out).Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(progress =>
            {
                context = progress;
                training(this);
            });
        context = null;
        // Lines written while the bars are live would tear them; the run results follow them.
        foreach (var line in finished)
            terminal.Out.WriteLine(line);
    }

    public void Epoch(EpochRecord e)
    {
        var run = runs > 1 ? $"run {e.Run + 1}/{runs} " : "";
        if (context is null)
        {
            terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{run}epoch {e.Epoch}/{epochs}: train loss {e.TrainLoss:F4}, test loss {e.TestLoss:F4}, test accuracy {e.TestAccuracy * 100:F2}%, {e.Seconds * 1000:F1} ms"));
            return;
        }
        task ??= context.AddTask(run, maxValue: epochs);
        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{run}epoch {e.Epoch}/{epochs}  loss {e.TrainLoss:F4}  test acc {e.TestAccuracy * 100:F2}%"));
        task.Value = e.Epoch;
    }

    public void RunDone(RunResult result)
    {
        var stop = result.StoppedEarly ? $", stopped early after epoch {result.History.Length}" : "";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"run {result.Run + 1}: accuracy {result.Accuracy * 100:F2}% ({result.History.Length} epochs{stop})");
        if (context is null)
        {
            terminal.Out.WriteLine(line);
            return;
        }
        if (task is not null)
        {
            task.Value = task.MaxValue;
            task.StopTask();
        }
        task = null;
        finished.Add(line);
    }
}
