using System.Collections.Concurrent;
using System.Diagnostics;
using Qnn.Search.Genes;
using Qnn.Search.Storage;
using Qnn.Search.Trials;
using Xunit;

namespace Qnn.Search.Tests;

/// <summary>The study-store contract, run against every store (SQLite, PostgreSQL) by a subclass
/// that says where its store lives. Each test works on a study of its own name.</summary>
public abstract class StoreContractTests : IDisposable
{
    private readonly List<IStudyStore> opened = [];

    /// <summary>The --storage of the store under test (skips or fails when it is unavailable).</summary>
    protected abstract string Storage { get; }

    protected string Study { get; } = "study-" + Guid.NewGuid().ToString("N")[..12];

    protected IStudyStore NewStore()
    {
        var store = StudyStores.Open(Storage);
        opened.Add(store);
        return store;
    }

    protected StudySettings Settings => new(
        Study, """{"kind": "mlp", "units": [6, 8]}""", "vertebral", "nsga2", "complexity",
        Folds: 5, Epochs: 20, BatchSize: 32, LearningRate: 0.01, WeightDecay: 1e-4,
        MinAccuracy: 0.8, MaxCost: null, Seed: 7, Population: 40);

    protected IStudyStore OpenStudy()
    {
        var store = NewStore();
        store.Open(Settings);
        return store;
    }

    private static Genome G(params int[] genes) => new(genes);

    public void Dispose()
    {
        foreach (var store in opened) store.Dispose();
        GC.SuppressFinalize(this);
    }

    [SkippableFact]
    public void Open_creates_the_study_and_a_reopened_store_returns_the_stored_settings()
    {
        using (var first = StudyStores.Open(Storage)) Assert.Equal(Settings, first.Open(Settings));
        // Settings that do not change the trials' meaning: the stored ones win.
        var later = Settings with { BatchSize = 64, Seed = 8, MinAccuracy = null, MaxCost = 1000, Population = 10, LearningRate = 0.5 };
        var stored = NewStore().Open(later);
        Assert.Equal(Settings, stored);
        Assert.Equal(0.8, stored.MinAccuracy);
        Assert.Null(stored.MaxCost);
    }

    [SkippableFact]
    public void Open_refuses_a_different_space_dataset_sampler_cost_folds_epochs_or_device_naming_the_field()
    {
        var store = OpenStudy();
        var changes = new (string Field, StudySettings Wanted)[]
        {
            ("space", Settings with { Space = """{"kind": "mlp", "units": [6, 7]}""" }),
            ("dataset", Settings with { Dataset = "mnist" }),
            ("sampler", Settings with { Sampler = "random" }),
            ("cost", Settings with { Cost = "bitops" }),
            ("folds", Settings with { Folds = 3 }),
            ("epochs", Settings with { Epochs = 21 }),
            ("target", Settings with { Target = "ch32v003" }),
            ("max-flash", Settings with { MaxFlash = 8192 }),
            ("max-ram", Settings with { MaxRam = 1024 }),
        };
        foreach (var (field, wanted) in changes)
        {
            var e = Assert.Throws<StudyMismatchException>(() => store.Open(wanted));
            Assert.Equal(field, e.Field);
            Assert.Equal(Study, e.Study);
            Assert.Contains($"--{field}", e.Message, StringComparison.Ordinal);
        }
        Assert.Equal(
            $"study '{Study}' was created with --dataset vertebral, but this search has --dataset mnist; " +
            "continue it with the same --dataset, or start a new study with another --study",
            Assert.Throws<StudyMismatchException>(() => store.Open(changes[1].Wanted)).Message);
        Assert.StartsWith($"study '{Study}' was created with a different --space than this search's;",
            Assert.Throws<StudyMismatchException>(() => store.Open(changes[0].Wanted)).Message, StringComparison.Ordinal);
        // The same space written with other whitespace and key order is the same space.
        Assert.Equal(Settings, store.Open(Settings with { Space = """{ "units":[6,8],"kind":"mlp" }""" }));
    }

    [SkippableFact]
    public void A_claimed_and_finished_trial_reads_back_every_field()
    {
        var store = OpenStudy();
        var a = store.TryClaim(Study, G(3, 0, 5), """{"name":"a"}""", "w:1:0", budget: 10)!;
        Assert.Equal(new Trial(0, TrialState.Running, G(3, 0, 5), """{"name":"a"}""", [], null, null, null, 0, "w:1:0", null) with { Folds = a.Folds }, a);
        Assert.Empty(a.Folds);
        var b = store.TryClaim(Study, G(1, 1, 1), null, "w:1:1", budget: 10)!;
        var c = store.TryClaim(Study, G(2, 2, 2), """{"name":"c"}""", "w:1:0", budget: 10)!;
        Assert.Equal([0, 1, 2], new[] { a.Number, b.Number, c.Number });

        double[] folds = [0.8125, 0.79, 0.8333333333333334, 0.1 + 0.2];
        Assert.True(store.Finish(Study, a with
        {
            State = TrialState.Complete, Folds = folds, Accuracy = 0.8089583333333333, AccuracyStd = 0.0167,
            Costs = new TrialCosts(1234.5, 98765.25, 321), Seconds = 12.75,
        }));
        Assert.True(store.Finish(Study, b with { State = TrialState.Infeasible, Error = "layer 1: NBits 9 > 8" }));
        Assert.True(store.Finish(Study, c with
        {
            State = TrialState.Failed, Folds = [0.5], Costs = new TrialCosts(1, 2, 3, 10328, 1292, 1782358.5), Seconds = 0.5, Error = "loss is NaN",
        }));

        var trials = NewStore().Trials(Study);
        Assert.Equal(3, trials.Count);
        var ra = trials[0];
        Assert.Equal((0, TrialState.Complete, G(3, 0, 5), """{"name":"a"}"""), (ra.Number, ra.State, ra.Genome, ra.SpecJson));
        Assert.Equal(folds, ra.Folds);
        Assert.Equal((0.8089583333333333, 0.0167), (ra.Accuracy!.Value, ra.AccuracyStd!.Value));
        Assert.Equal(new TrialCosts(1234.5, 98765.25, 321), ra.Costs);
        Assert.Equal((12.75, "w:1:0", (string?)null), (ra.Seconds, ra.Worker, ra.Error));
        Assert.True(ra.IsFinished);

        var rb = trials[1];
        Assert.Equal((1, TrialState.Infeasible, G(1, 1, 1), (string?)null, "layer 1: NBits 9 > 8", "w:1:1"),
            (rb.Number, rb.State, rb.Genome, rb.SpecJson, rb.Error, rb.Worker));
        Assert.Empty(rb.Folds);
        Assert.Null(rb.Costs);
        Assert.Null(rb.Accuracy);

        var rc = trials[2];
        Assert.Equal((TrialState.Failed, "loss is NaN", 0.5), (rc.State, rc.Error, rc.Seconds));
        Assert.Equal([0.5], rc.Folds);
        Assert.Equal(new TrialCosts(1, 2, 3, 10328, 1292, 1782358.5), rc.Costs);
        Assert.Equal(3, store.Count(Study));
    }

    [SkippableFact]
    public void A_genome_the_study_has_in_any_state_is_refused()
    {
        var store = OpenStudy();
        var first = store.TryClaim(Study, G(1, 2), null, "w:1:0", 10)!;
        Assert.Null(store.TryClaim(Study, G(1, 2), null, "w:1:1", 10));
        store.Finish(Study, first with { State = TrialState.Complete, Accuracy = 0.5 });
        Assert.Null(store.TryClaim(Study, G(1, 2), null, "w:1:1", 10));
        Assert.NotNull(store.TryClaim(Study, G(2, 1), null, "w:1:1", 10));
        Assert.Equal(2, store.Count(Study));
    }

    [SkippableFact]
    public void Claims_stop_at_the_budget_counting_trials_in_any_state()
    {
        var store = OpenStudy();
        var claimed = Enumerable.Range(0, 5).Select(i => store.TryClaim(Study, G(i), null, "w:1:0", budget: 3)).ToList();
        Assert.Equal([0, 1, 2], claimed.Take(3).Select(t => t!.Number));
        Assert.Null(claimed[3]);
        Assert.Null(claimed[4]);
        Assert.Equal(3, store.Count(Study));
        // A larger budget (a rerun with more --trials) lets the study grow again.
        Assert.Equal(3, store.TryClaim(Study, G(9), null, "w:1:0", budget: 4)!.Number);
    }

    [SkippableFact]
    public void ClaimQueued_takes_requeued_trials_oldest_first()
    {
        var store = OpenStudy();
        Assert.Null(store.ClaimQueued(Study, "w:1:0"));
        for (var i = 0; i < 3; i++) store.TryClaim(Study, G(i), $"{{\"i\":{i}}}", "gone:1:0", 10);
        Assert.Equal(3, store.RequeueAbandoned(Study, TimeSpan.FromHours(1), w => w.StartsWith("gone:", StringComparison.Ordinal)));
        Assert.All(store.Trials(Study), t => Assert.Equal((TrialState.Queued, (string?)null), (t.State, t.Worker)));

        var first = store.ClaimQueued(Study, "new:2:0")!;
        Assert.Equal((0, TrialState.Running, "new:2:0", G(0), """{"i":0}"""), (first.Number, first.State, first.Worker, first.Genome, first.SpecJson));
        Assert.Equal(1, NewStore().ClaimQueued(Study, "new:2:1")!.Number);
        Assert.Equal(2, store.ClaimQueued(Study, "new:2:0")!.Number);
        Assert.Null(store.ClaimQueued(Study, "new:2:0"));
        Assert.Equal(3, store.Count(Study));
        Assert.Equal(["new:2:0", "new:2:1", "new:2:0"], store.Trials(Study).Select(t => t.Worker));
    }

    [SkippableFact]
    public void A_trial_whose_heartbeat_is_older_than_the_timeout_is_requeued()
    {
        var store = OpenStudy();
        var stale = store.TryClaim(Study, G(1), null, "w:1:0", 10)!;
        var beating = store.TryClaim(Study, G(2), null, "w:1:1", 10)!;
        Assert.Equal(0, store.RequeueAbandoned(Study, TimeSpan.FromMinutes(1), _ => false));
        Thread.Sleep(1500);
        Assert.True(store.Heartbeat(Study, beating.Number, "w:1:1"));
        Assert.Equal(1, NewStore().RequeueAbandoned(Study, TimeSpan.FromSeconds(1), _ => false));
        var trials = store.Trials(Study);
        Assert.Equal(TrialState.Queued, trials[stale.Number].State);
        Assert.Equal((TrialState.Running, "w:1:1"), (trials[beating.Number].State, trials[beating.Number].Worker));
        // The requeued trial's old worker can no longer heartbeat it.
        Assert.False(store.Heartbeat(Study, stale.Number, "w:1:0"));
    }

    [SkippableFact]
    public void A_trial_of_a_dead_local_worker_is_requeued_at_once_but_not_one_of_another_host()
    {
        var store = OpenStudy();
        var dead = $"{Environment.MachineName}:{DeadPid()}:0";
        var alive = Workers.Id(0);
        var remote = "some-other-host-" + Guid.NewGuid().ToString("N")[..6] + ":1:0";
        store.TryClaim(Study, G(0), null, dead, 10);
        store.TryClaim(Study, G(1), null, alive, 10);
        store.TryClaim(Study, G(2), null, remote, 10);
        Assert.Equal(1, store.RequeueAbandoned(Study, TimeSpan.FromSeconds(60), Workers.IsDeadLocal));
        Assert.Equal([TrialState.Queued, TrialState.Running, TrialState.Running], store.Trials(Study).Select(t => t.State));
    }

    [SkippableFact]
    public void Only_the_trials_worker_may_finish_or_heartbeat_it_and_only_once()
    {
        var store = OpenStudy();
        var mine = store.TryClaim(Study, G(4), null, "a:1:0", 10)!;
        var done = mine with { State = TrialState.Complete, Accuracy = 0.9, Folds = [0.9] };
        Assert.False(store.Finish(Study, done with { Worker = "b:1:0" }));
        Assert.False(store.Heartbeat(Study, mine.Number, "b:1:0"));
        Assert.Equal((TrialState.Running, "a:1:0"), (store.Trials(Study)[0].State, store.Trials(Study)[0].Worker));
        Assert.True(store.Heartbeat(Study, mine.Number, "a:1:0"));
        Assert.True(store.Finish(Study, done));
        Assert.False(store.Finish(Study, done with { Accuracy = 0.1 }));
        Assert.False(store.Heartbeat(Study, mine.Number, "a:1:0"));
        Assert.Equal(0.9, store.Trials(Study)[0].Accuracy);
        Assert.Throws<ArgumentException>(() => store.Finish(Study, mine));
    }

    [SkippableFact]
    public void A_requeued_trial_not_yet_reclaimed_may_still_be_finished_by_its_old_worker()
    {
        var store = OpenStudy();
        var slow = store.TryClaim(Study, G(5), null, "slow:1:0", 10)!;
        store.RequeueAbandoned(Study, TimeSpan.FromHours(1), _ => true);
        Assert.True(store.Finish(Study, slow with { State = TrialState.Complete, Accuracy = 0.7 }));
        Assert.Null(store.ClaimQueued(Study, "other:1:0"));
        Assert.Equal((TrialState.Complete, "slow:1:0"), (store.Trials(Study)[0].State, store.Trials(Study)[0].Worker));
    }

    [SkippableFact]
    public void Studies_in_one_store_are_numbered_and_budgeted_apart()
    {
        var store = OpenStudy();
        var other = Settings with { Name = Study + "-b", Dataset = "mnist" };
        Assert.Equal(other, store.Open(other));
        Assert.Equal(0, store.TryClaim(Study, G(1), null, "w:1:0", 1)!.Number);
        Assert.Null(store.TryClaim(Study, G(2), null, "w:1:0", 1));
        // The same genome and number in another study are another trial.
        Assert.Equal(0, store.TryClaim(other.Name, G(1), null, "w:1:0", 1)!.Number);
        Assert.Equal((1, 1), (store.Count(Study), store.Count(other.Name)));
        Assert.Equal(0, store.RequeueAbandoned(other.Name, TimeSpan.FromHours(1), _ => false));
    }

    [SkippableFact]
    public void A_study_that_was_never_opened_cannot_be_claimed_in()
    {
        var store = NewStore();
        var e = Assert.Throws<StudyStoreException>(() => store.TryClaim("no-such-" + Study, G(1), null, "w:1:0", 10));
        Assert.Contains("no-such-" + Study, e.Message, StringComparison.Ordinal);
        Assert.Equal(0, store.Count("no-such-" + Study));
        Assert.Empty(store.Trials("no-such-" + Study));
    }

    [SkippableFact]
    public void Eight_workers_with_their_own_stores_claim_each_genome_once_and_stop_at_the_budget()
    {
        const int Budget = 40, Threads = 8;
        OpenStudy();
        var claims = new ConcurrentBag<Trial>();
        var failures = new ConcurrentBag<Exception>();
        using var start = new Barrier(Threads); // all claim at once, not one after another's opening
        var workers = Enumerable.Range(0, Threads).Select(thread => new Thread(() =>
        {
            try
            {
                using var store = StudyStores.Open(Storage);
                store.Open(Settings);
                start.SignalAndWait();
                var random = new Random(thread);
                var worker = Workers.Id(thread);
                while (store.Count(Study) < Budget)
                {
                    // 3 genes of 4 values: 64 genomes, so duplicates are common.
                    var genome = new Genome([random.Next(4), random.Next(4), random.Next(4)]);
                    var trial = store.TryClaim(Study, genome, null, worker, Budget);
                    if (trial is null) continue;
                    claims.Add(trial);
                    Thread.Sleep(random.Next(5, 20)); // "training": lets the other workers at the lock
                    Assert.True(store.Heartbeat(Study, trial.Number, worker));
                    Assert.True(store.Finish(Study, trial with { State = TrialState.Complete, Accuracy = random.NextDouble() }));
                }
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.Empty(failures);
        Assert.Equal(Budget, claims.Count);
        Assert.Equal(Budget, claims.Select(t => t.Genome).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, Budget), claims.Select(t => t.Number).Order());
        var trials = NewStore().Trials(Study);
        Assert.Equal(Budget, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.True(claims.Select(t => t.Worker).Distinct().Count() > 1, "the claims were not spread over workers");
    }

    /// <summary>The pid of a process that has exited (and, just now, nothing reused it).</summary>
    internal static int DeadPid()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
