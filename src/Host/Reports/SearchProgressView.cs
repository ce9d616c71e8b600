using System.Globalization;
using Qnn.Host.Cli;
using Qnn.Search;
using Qnn.Search.Costs;
using Qnn.Search.Trials;
using Spectre.Console;

namespace Qnn.Host.Reports;

/// <summary>Shows a search as it runs: on a terminal a live line (trials done, best accuracy, the
/// front's size, trials per minute) over a bar; elsewhere one plain line per finished trial.</summary>
public sealed class SearchProgressView(Terminal terminal, SearchOptions options)
{
    /// <summary>Runs the search with this view listening.</summary>
    public void Track(SearchRunner runner)
    {
        if (!terminal.Interactive)
        {
            runner.Run(p => terminal.Out.WriteLine(Line(p)));
            return;
        }
        terminal.Ansi(terminal.Out).Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("search", maxValue: options.Trials);
                runner.Run(p =>
                {
                    task.Value = p.Finished;
                    task.Description = Markup.Escape(Summary(p));
                });
            });
    }

    private string Line(SearchProgress p)
    {
        var t = p.Last;
        var result = t.State switch
        {
            TrialState.Complete => string.Create(CultureInfo.InvariantCulture,
                $"{t.Accuracy * 100:F2}% ±{t.AccuracyStd * 100:F2}, {options.Cost.ToString().ToLowerInvariant()} {CostModels.Pick(t.Costs!, options.Cost):G4}, {t.Seconds:F1} s"),
            _ => $"{t.State.ToString().ToLowerInvariant()}: {t.Error}",
        };
        return $"trial {t.Number}: {result} — {Summary(p)}";
    }

    private static string Summary(SearchProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.Finished}/{p.Budget} trials, best {(p.BestAccuracy is { } b ? $"{b * 100:F2}%" : "–")}, front {p.FrontSize}, {p.TrialsPerMinute:F1} trials/min");
}
