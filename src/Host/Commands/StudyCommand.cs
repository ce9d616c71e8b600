using System.CommandLine;
using Qnn.Host.Cli;
using Qnn.Host.Persistence;
using Qnn.Host.Reports;
using Qnn.Search;
using Qnn.Search.Costs;
using Qnn.Search.Trials;

namespace Qnn.Host.Commands;

/// <summary>`qnn study show` prints a study's Pareto front; `qnn study export` writes one trial's
/// spec as a JSON file that `qnn train --model` and `qnn export` take as it is.</summary>
public sealed class StudyCommand(Terminal terminal)
{
    private static Option<string?> Storage() => Flag.Text("--storage", "FILE.db|postgresql://…", "The study store", required: true);
    private static Option<string?> Study() => Flag.Text("--study", "NAME", "The study [default: the store's only study]");

    public Command Definition()
    {
        var (showStorage, showStudy) = (Storage(), Study());
        var show = new Command("show", "Print a study's Pareto front: accuracy, std, the cost in every model, bits, the spec in one line.") { showStorage, showStudy };
        show.SetAction(flags => Show(flags.GetValue(showStorage)!, flags.GetValue(showStudy)));
        var (exportStorage, exportStudy) = (Storage(), Study());
        var trial = Flag.Int("--trial", "The trial's number", 0, 0);
        trial.Required = true;
        var output = Flag.Text("--out", "FILE.json", "Where to write the trial's spec", required: true);
        var export = new Command("export", "Write a trial's spec as a JSON file for `qnn train --model` and `qnn export`.") { exportStorage, exportStudy, trial, output };
        export.SetAction(flags => Export(flags.GetValue(exportStorage)!, flags.GetValue(exportStudy), flags.GetValue(trial), flags.GetValue(output)!));
        return new Command("study", "Show or export a search's study.") { show, export };
    }

    private int Show(string storage, string? name)
    {
        using var store = SearchCommand.OpenExisting(storage);
        var (settings, trials) = Read(store, storage, name);
        var options = new SearchOptions(0, 1, Enum.Parse<CostModel>(settings.Cost, ignoreCase: true), settings.MinAccuracy, settings.MaxCost, settings.Seed,
            settings.Target is null ? null : Qnn.Export.Device.DeviceTarget.Named(settings.Target), settings.MaxFlash, settings.MaxRam);
        terminal.Out.WriteLine($"study {settings.Name} in {storage}: {settings.Dataset}, {settings.Sampler}, {trials.Count(t => t.IsFinished)} finished trials ({trials.Count(t => t.State == TrialState.Complete)} complete, {trials.Count(t => t.State == TrialState.Failed)} failed, {trials.Count(t => t.State == TrialState.Infeasible)} infeasible), {trials.Count(t => !t.IsFinished)} running or queued");
        StudyTable.Write(terminal, Objectives.Front(trials, options), options.Cost);
        var provenance = SearchCommand.ReadProvenance(settings, storage);
        if (provenance is null)
        {
            terminal.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"how its candidates train: {settings.Folds} fold{(settings.Folds == 1 ? "" : "s")}, {settings.Epochs} epochs, batch {settings.BatchSize}, lr {settings.LearningRate}, weight decay {settings.WeightDecay}, seed {settings.Seed}; the rest unknown (a qnn before training records started the study)"));
        }
        else
        {
            terminal.Out.WriteLine($"how its candidates train ({settings.Folds} fold{(settings.Folds == 1 ? "" : "s")}, fold f from seed + f):");
            foreach (var line in ProvenanceText.Lines(provenance))
                terminal.Out.WriteLine("  " + line);
        }
        return ExitCodes.Success;
    }

    private int Export(string storage, string? name, int number, string output)
    {
        OutputPaths.Check(new[] { ("--out", (string?)output) }, new[] { ("--storage", SearchCommand.StorageFile(storage)) });
        using var store = SearchCommand.OpenExisting(storage);
        var (settings, trials) = Read(store, storage, name);
        var trial = trials.FirstOrDefault(t => t.Number == number)
            ?? throw new UsageException($"--trial {number}: study {settings.Name} has trials 0..{trials.Count - 1}");
        if (trial.SpecJson is null)
            throw new UsageException($"--trial {number} is {trial.State.ToString().ToLowerInvariant()}: {trial.Error}");
        var files = new ResultFiles(terminal.Error);
        var at = files.Write("--out", output, t => File.WriteAllText(t, trial.SpecJson));
        terminal.Out.WriteLine($"wrote trial {number}'s spec to {at}");
        return files.FellBack ? ExitCodes.ResultElsewhere : ExitCodes.Success;
    }

    private static (Qnn.Search.Storage.StudySettings Settings, IReadOnlyList<Trial> Trials) Read(Qnn.Search.Storage.IStudyStore store, string storage, string? name)
    {
        var studies = store.Studies();
        var chosen = name ?? (studies.Count == 1 ? studies[0].Name
            : throw new UsageException(studies.Count == 0 ? $"--storage {storage} holds no study" : $"--storage {storage} holds several studies ({string.Join(", ", studies.Select(s => s.Name))}); name one with --study"));
        var settings = studies.FirstOrDefault(s => s.Name == chosen)
            ?? throw new UsageException($"--study {chosen}: no such study in {storage}; it holds {string.Join(", ", studies.Select(s => s.Name))}");
        return (settings, store.Trials(chosen));
    }
}
