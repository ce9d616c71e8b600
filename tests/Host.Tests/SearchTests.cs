using System.Text.Json.Nodes;
using Qnn.Search.Storage;
using Qnn.Search.Trials;
using Xunit;
using Qnn.Tests.Support;

namespace Qnn.Host.Tests;

/// <summary>`qnn search` end to end on vertebral: a tiny real study, its front, a front point
/// exported and trained; continuing a study; kill -9 and resume; two processes on one study.</summary>
public class SearchTests
{
    private static string Folder() => Directory.CreateTempSubdirectory("qnn-search-").FullName;

    /// <summary>A cheap search: 2 folds × 2 epochs a candidate.</summary>
    private static string[] Tiny(string storage, int trials, params string[] more) => Search(storage, trials, 2, more);

    private static string[] Search(string storage, int trials, int epochs, params string[] more) =>
        new[] { "search", "--trials", trials.ToString(), "--population", "4", "--folds", "2", "--epochs", epochs.ToString(), "--storage", storage, "--study", "tiny" }
            .Concat(more).ToArray();

    private static IReadOnlyList<Trial> Trials(string storage)
    {
        using var store = StudyStores.Open(storage);
        return store.Trials("tiny");
    }

    [SkippableFact]
    public void A_tiny_search_records_its_trials_and_a_front_point_trains_as_exported()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var folder = Folder();
        var storage = Path.Combine(folder, "study.db");
        var report = Path.Combine(folder, "study.json");
        var plot = Path.Combine(folder, "front.png");
        var search = Cli.Run(data, Tiny(storage, 8, "--json", report, "--plot", plot));
        Assert.True(search.ExitCode == 0, search.Error + search.Output);
        Assert.Contains("Pareto front", search.Output);

        var json = JsonNode.Parse(File.ReadAllText(report))!.AsObject();
        Assert.Equal("tiny", (string?)json["study"]);
        Assert.Equal("vertebral", (string?)json["dataset"]);
        Assert.Equal("nsga2", (string?)json["sampler"]);
        Assert.Equal("complexity", (string?)json["cost"]);
        // How every candidate trained: the search's flags over the core's defaults, the data, the qnn.
        var provenance = json["provenance"]!.AsObject();
        var training = provenance["training"]!.AsObject();
        Assert.Equal(2, (int)training["epochs"]!);
        Assert.Equal(32, (int)training["batch_size"]!);
        Assert.Equal(42, (int)training["seed"]!);
        Assert.False((bool)training["one_thread_for_small_models"]!);
        Assert.Equal("cpu", (string?)training["device"]);
        Assert.Equal("vertebral", (string?)provenance["data"]!["dataset"]);
        Assert.Equal(248, (int)provenance["data"]!["train_samples"]!);
        Assert.Equal(1, (int)provenance["threads"]!);
        Assert.Equal(Qnn.Host.Cli.BuildInfo.Version, (string?)provenance["qnn_version"]);
        var trials = json["trials"]!.AsArray();
        Assert.Equal(8, trials.Count);
        var front = json["front"]!.AsArray();
        Assert.NotEmpty(front);
        var point = front[0]!.AsObject();
        Assert.Equal("complete", (string?)point["state"]);
        Assert.Equal(2, point["folds"]!.AsArray().Count);
        Assert.InRange((double)point["accuracy"]!, 0, 1);
        Assert.True((double)point["costs"]!["complexity"]! > 0);
        Assert.True(new FileInfo(plot).Length > 10_000);

        var show = Cli.Run(null, "study", "show", "--storage", storage);
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Contains($"study tiny in {storage}: vertebral, nsga2, 8 finished trials", show.Output);
        Assert.Contains("how its candidates train (2 folds, fold f from seed + f):", show.Output);
        Assert.Contains("  training: 2 epochs, batch 32, adam, lr 0.01, weight decay 0.0001, patience 10 on validation loss, seed 42", show.Output);

        var number = (int)point["number"]!;
        var spec = Path.Combine(folder, "front-point.json");
        var export = Cli.Run(null, "study", "export", "--storage", storage, "--trial", number.ToString(), "--out", spec);
        Assert.True(export.ExitCode == 0, export.Error);
        var train = Cli.Run(data, "train", "--model", spec, "--epochs", "2", "--save", Path.Combine(folder, "m.qnn"));
        Assert.True(train.ExitCode == 0, train.Error);
    }

    [SkippableFact]
    public void A_search_for_a_part_records_the_device_costs_of_the_c_a_front_point_exports_to()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var folder = Folder();
        var storage = Path.Combine(folder, "study.db");
        var report = Path.Combine(folder, "study.json");
        var search = Cli.Run(data, Tiny(storage, 6, "--target", "ch32v003", "--cost", "flash", "--json", report));
        Assert.True(search.ExitCode == 0, search.Error + search.Output);
        Assert.Contains("cost flash on ch32v003, at most 16,384 B of flash, 2,048 B of RAM", search.Output);
        var json = JsonNode.Parse(File.ReadAllText(report))!.AsObject();
        Assert.Equal(("ch32v003", 16384L, 2048L), ((string?)json["target"], (long)json["max_flash"]!, (long)json["max_ram"]!));
        var complete = json["trials"]!.AsArray().Where(t => (string?)t!["state"] == "complete").ToList();
        Assert.NotEmpty(complete);
        foreach (var t in complete)
        {
            var costs = t!["costs"]!;
            Assert.InRange((double)costs["flash"]!, 100, 16384);
            Assert.InRange((double)costs["ram"]!, 256, 2048);
            Assert.True((double)costs["instructions"]! > 0);
        }
        var show = Cli.Run(null, "study", "show", "--storage", storage);
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Matches(@"trial +accuracy +std +complexity +bitops +bytes +flash +ram +instructions +weight bits +spec", show.Output);

        // The recorded cost is the C's: the front point trained, exported and measured the same way.
        var point = json["front"]!.AsArray()[0]!;
        var spec = Path.Combine(folder, "point.json");
        Assert.Equal(0, Cli.Run(null, "study", "export", "--storage", storage, "--trial", ((int)point["number"]!).ToString(), "--out", spec).ExitCode);
        var saved = Path.Combine(folder, "point.qnn");
        Assert.Equal(0, Cli.Run(data, "train", "--model", spec, "--epochs", "2", "--save", saved).ExitCode);
        using var network = Qnn.Host.Persistence.SavedModel.Load(saved).Network;
        var trained = Qnn.Export.Device.DeviceCosts.Of(Qnn.Export.EngineExporter.Export(network), Qnn.Export.Device.DeviceTarget.Ch32v003);
        Assert.Equal((double)point["costs"]!["ram"]!, trained.Ram);
        // Training moves only the thresholds' C types: a few bytes.
        Assert.InRange(trained.Flash - (double)point["costs"]!["flash"]!, -64, 64);
    }

    [SkippableFact]
    public void A_search_with_a_validation_split_scores_candidates_on_training_rows_only()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var folder = Folder();
        var storage = Path.Combine(folder, "study.db");
        string[] args = ["search", "--trials", "4", "--population", "4", "--folds", "1", "--epochs", "2", "--storage", storage, "--study", "tiny", "--validation-split", "0.2"];
        var search = Cli.Run(data, args);
        Assert.True(search.ExitCode == 0, search.Error + search.Output);
        Assert.Contains("scored on a validation split of 0.2 of the training set", search.Output);
        // Vertebral's test split has 62 rows; 0.2 of its 248 training rows, per class, about 50:
        // every accuracy is a count out of the same validation size.
        var accuracies = Trials(storage).Where(t => t.State == TrialState.Complete).Select(t => t.Accuracy!.Value).ToList();
        Assert.NotEmpty(accuracies);
        Assert.Contains(Enumerable.Range(45, 11), n => accuracies.All(a => Math.Abs(a * n - Math.Round(a * n)) < 1e-9));
        // The split is a study setting: another one is refused.
        var other = Cli.Run(data, [.. args[..^1], "0.3"]);
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("was created with --validation-split 0.2, but this search has --validation-split 0.3", other.Error);
    }

    [SkippableFact]
    public void A_candidate_that_does_not_fit_the_part_is_not_trained()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var folder = Folder();
        var storage = Path.Combine(folder, "study.db");
        var search = Cli.Run(data, Tiny(storage, 4, "--target", "ch32v003", "--max-flash", "100"));
        Assert.True(search.ExitCode == 0, search.Error + search.Output);
        var trials = Trials(storage);
        Assert.Equal(4, trials.Count);
        foreach (var t in trials)
        {
            Assert.Equal(TrialState.Infeasible, t.State);
            Assert.Empty(t.Folds);
            Assert.True(t.Costs!.Flash > 100);
            Assert.StartsWith("does not fit the CH32V003 (RV32EC, 16 KB flash, 2 KB RAM): flash ", t.Error);
            Assert.Contains("B over --max-flash 100", t.Error);
        }
    }

    [SkippableFact]
    public void One_worker_with_one_seed_runs_the_same_study_twice()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var (first, second) = (Path.Combine(Folder(), "a.db"), Path.Combine(Folder(), "b.db"));
        Assert.Equal(0, Cli.Run(data, Tiny(first, 10, "--seed", "5")).ExitCode);
        Assert.Equal(0, Cli.Run(data, Tiny(second, 10, "--seed", "5")).ExitCode);
        var (a, b) = (Trials(first), Trials(second));
        Assert.Equal(a.Select(t => t.Genome), b.Select(t => t.Genome));
        Assert.Equal(a.Select(t => t.Accuracy), b.Select(t => t.Accuracy));
        Assert.Equal(a.Select(t => t.Folds.ToArray()), b.Select(t => t.Folds.ToArray()));
    }

    [SkippableFact]
    public void The_same_command_continues_its_study_to_a_larger_budget()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var storage = Path.Combine(Folder(), "study.db");
        Assert.Equal(0, Cli.Run(data, Tiny(storage, 4)).ExitCode);
        var first = Trials(storage);
        Assert.Equal(4, first.Count(t => t.IsFinished));
        Assert.Equal(0, Cli.Run(data, Tiny(storage, 7)).ExitCode);
        var second = Trials(storage);
        Assert.Equal(7, second.Count(t => t.IsFinished));
        foreach (var before in first)
            Assert.Equal(before, second.Single(t => t.Number == before.Number), TrialComparer.Instance);
        Assert.Equal(second.Count, second.Select(t => t.Genome).Distinct().Count());
    }

    [SkippableFact]
    public void A_study_killed_mid_search_resumes_without_losing_or_repeating_a_trial()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var folder = Folder();
        var storage = Path.Combine(folder, "study.db");
        // Long enough (60 trials of 2 folds × 15 epochs, several seconds) that the kill after the
        // third trial lands mid-search.
        var command = "exec \"$QNN\" " + string.Join(" ", Search(storage, 60, epochs: 15).Select(a => $"'{a}'"));
        var finished = 0;
        var three = new ManualResetEventSlim();
        var process = QnnProcess.Start(command, folder, new Dictionary<string, string> { ["QNN_DATA_DIR"] = data },
            line => { if (line.StartsWith("trial ", StringComparison.Ordinal) && Interlocked.Increment(ref finished) >= 3) three.Set(); });
        var waited = Task.Run(() => three.Wait(TimeSpan.FromMinutes(3)));
        while (!waited.IsCompleted && !process.HasExited) Thread.Sleep(50);
        if (process.HasExited)
            process.WaitForExit(); // drains the output events still queued
        Assert.True(three.IsSet, "the search never finished three trials" + (process.HasExited ? $" (it exited with {process.ExitCode})" : ""));
        process.Kill();
        process.WaitForExit();
        var before = Trials(storage).Where(t => t.IsFinished).ToList();
        Assert.InRange(before.Count, 3, 59);

        var resumed = QnnProcess.Start(command, folder, new Dictionary<string, string> { ["QNN_DATA_DIR"] = data });
        var (exitCode, output) = QnnProcess.Finish(resumed, TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 0, output);
        var after = Trials(storage);
        Assert.Equal(60, after.Count(t => t.IsFinished));
        Assert.Equal(after.Count, after.Select(t => t.Genome).Distinct().Count());
        foreach (var trial in before)
            Assert.Equal(trial, after.Single(t => t.Number == trial.Number), TrialComparer.Instance);
    }

    [SkippableFact]
    public void Two_processes_on_one_sqlite_study_train_every_candidate_once() =>
        TwoProcesses(storage: null);

    [SkippableFact]
    public void Two_processes_on_one_postgresql_study_train_every_candidate_once() =>
        TwoProcesses(PostgresStorage());

    private static void TwoProcesses(string? storage)
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var folder = Folder();
        storage ??= Path.Combine(folder, "study.db");
        // 40 trials of 2 folds × 10 epochs: seconds of work, so the second process starts well
        // before the first could finish the study alone.
        var command = "exec \"$QNN\" " + string.Join(" ", Search(storage, 40, epochs: 10).Select(a => $"'{a}'"));
        var processes = Enumerable.Range(0, 2).Select(_ => QnnProcess.Start(command, folder, new Dictionary<string, string> { ["QNN_DATA_DIR"] = data })).ToList();
        foreach (var process in processes)
        {
            var (exitCode, output) = QnnProcess.Finish(process, TimeSpan.FromMinutes(5));
            Assert.True(exitCode == 0, output);
        }
        var trials = Trials(storage);
        Assert.Equal(40, trials.Count(t => t.IsFinished));
        Assert.Equal(40, trials.Count);
        Assert.Equal(trials.Count, trials.Select(t => t.Genome).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 40), trials.Select(t => t.Number).Order());
        Assert.True(trials.Select(t => t.Worker!.Split(':')[1]).Distinct().Count() == 2, "both processes trained trials");
    }

    /// <summary>A fresh database on the test PostgreSQL (QNN_TEST_POSTGRES, started by .ci/postgres.sh).</summary>
    private static string PostgresStorage()
    {
        var url = Prerequisite.Postgres();
        // One study name per test run, so reruns on one database do not meet old trials.
        using var store = StudyStores.Open(url!);
        foreach (var study in store.Studies().Where(s => s.Name == "tiny"))
            store.Delete(study.Name);
        return url!;
    }

    [Theory]
    [InlineData("""{ "kind": "mlp", "unitz": [8] }""", "unitz")]
    [InlineData("""{ "kind": "mlp", "units": [] }""", "units")]
    [InlineData("""{ "kind": "mlp", "hiddenLayers": { "min": 3, "max": 1 } }""", "hiddenLayers")]
    [InlineData("""{ "kind": "mlp", "weights": ["Binary", "Quaternary"] }""", "weights")]
    public void A_bad_search_space_is_a_usage_error_naming_the_key(string json, string key)
    {
        var path = Path.Combine(Folder(), "space.json");
        File.WriteAllText(path, json);
        var result = Cli.Run(null, "search", "--space", path, "--storage", Path.Combine(Folder(), "s.db"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--space {path}", result.Error);
        Assert.Contains(key, result.Error);
    }

    /// <summary>Trials compare by value, folds and costs included.</summary>
    private sealed class TrialComparer : IEqualityComparer<Trial>
    {
        public static readonly TrialComparer Instance = new();
        public bool Equals(Trial? a, Trial? b) =>
            a is not null && b is not null && a.Number == b.Number && a.State == b.State && a.Genome.Equals(b.Genome) && a.SpecJson == b.SpecJson
            && a.Folds.SequenceEqual(b.Folds) && a.Accuracy == b.Accuracy && a.Costs == b.Costs && a.Worker == b.Worker;
        public int GetHashCode(Trial t) => t.Number;
    }
}

public class SearchFlagTests
{
    [Theory]
    [InlineData("--trials", "0", "--trials needs an integer >= 1, got '0'")]
    [InlineData("--folds", "0", "--folds needs an integer >= 1, got '0'")]
    [InlineData("--cost", "energy", "--cost is one of complexity, bitops, bytes, flash, ram, instructions, got 'energy'")]
    [InlineData("--target", "esp32", "--target is one of none, cortex-m4, ch32v003, got 'esp32'")]
    [InlineData("--max-flash", "0", "--max-flash needs an integer >= 1, got '0'")]
    [InlineData("--sampler", "grid", "--sampler is one of nsga2, random, got 'grid'")]
    [InlineData("--min-accuracy", "1.5", "--min-accuracy needs a number from 0 to 1, got '1.5'")]
    [InlineData("--workers", "0", "--workers needs an integer from 1 to 256, got '0'")]
    public void A_bad_search_value_names_the_flag_and_the_rule(string flag, string value, string message)
    {
        var result = Cli.Run(null, "search", flag, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Theory]
    [InlineData("--cost flash", "--cost flash: the device costs need --target (cortex-m4 or ch32v003)")]
    [InlineData("--max-ram 1024", "--max-ram: a memory limit needs --target (cortex-m4 or ch32v003)")]
    [InlineData("--target ch32v003 --max-flash 20000", "--max-flash 20000: the CH32V003 (RV32EC, 16 KB flash, 2 KB RAM) has 16,384 bytes of flash; give at most 16384")]
    [InlineData("--validation-split 0.2 --folds 3", "--validation-split: cross-validation (3 folds) scores on held-out folds of every row; a validation split needs --folds 1")]
    [InlineData("--augment-shift 2", "--augment-shift and --augment-rotate move images; the mlp space trains on flattened features")]
    [InlineData("--target ch32v003 --max-ram 4096", "--max-ram 4096: the CH32V003 (RV32EC, 16 KB flash, 2 KB RAM) has 2,048 bytes of RAM; give at most 2048")]
    public void Device_flags_that_do_not_go_together_are_usage_errors_before_any_work(string flags, string message)
    {
        var folder = Directory.CreateTempSubdirectory("qnn-search-").FullName;
        var result = Cli.Run(null, ["search", "--storage", Path.Combine(folder, "s.db"), .. flags.Split(' ')]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.False(File.Exists(Path.Combine(folder, "s.db")));
    }

    [Fact]
    public void An_unknown_builtin_space_is_a_usage_error()
    {
        var result = Cli.Run(null, "search", "--space", "transformer");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--space transformer", result.Error);
    }

    [Fact]
    public void Study_show_of_a_store_without_the_study_is_a_usage_error()
    {
        var storage = Path.Combine(Directory.CreateTempSubdirectory("qnn-study-").FullName, "empty.db");
        StudyStores.Open(storage).Dispose();
        var result = Cli.Run(null, "study", "show", "--storage", storage);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("holds no study", result.Error);
    }
}
