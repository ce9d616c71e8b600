using System.Diagnostics;
using Qnn.Search.Costs;
using Qnn.Search.Scoring;
using Qnn.Search.Genes;
using Qnn.Search.Optimization;
using Qnn.Search.Spaces;
using Qnn.Search.Storage;
using Qnn.Search.Trials;

namespace Qnn.Search;

/// <summary>
/// Runs a study to its budget with <c>options.Workers</c> worker threads in this process, each
/// with its own store connection. A worker first re-queues abandoned trials (a heartbeat older
/// than <see cref="HeartbeatTimeout"/>, or a worker of this machine whose process is gone), then
/// takes a queued trial or claims a new candidate from the sampler (in the store's transaction,
/// so no candidate is trained twice by any process), trains it once per fold while heartbeating
/// every <see cref="HeartbeatInterval"/>, and records it as soon as it finishes. A sampler's
/// proposal for the i-th trial is drawn from a generator seeded by (seed, i), so one worker is
/// deterministic for a seed. Running the same search again continues the study.
/// </summary>
public sealed class SearchRunner(
    Func<IStudyStore> openStore,
    string study,
    SearchSpace space,
    InputShape input,
    int classes,
    CandidateEvaluator evaluator,
    ISampler sampler,
    SearchOptions options)
{
    /// <summary>How often a running trial's worker says it is alive.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>How old a heartbeat may be before its trial goes back to the queue.</summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(60);

    private readonly object proposing = new();
    private readonly object reporting = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private int finishedHere;
    private volatile bool exhausted;

    /// <summary>Runs the workers until the study has its budget of finished trials, the space has
    /// no unseen candidate left, or <paramref name="cancel"/> fires; <paramref name="progress"/>
    /// hears of every trial this process finishes (from worker threads, one at a time).</summary>
    public void Run(Action<SearchProgress>? progress = null, CancellationToken cancel = default)
    {
        var errors = new List<Exception>();
        var threads = Enumerable.Range(0, Math.Max(1, options.Workers)).Select(w => new Thread(() =>
        {
            try
            {
                Work(w, progress, cancel);
            }
            catch (Exception e)
            {
                lock (errors) errors.Add(e);
            }
        }) { IsBackground = true, Name = $"qnn search worker {w}" }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (errors.Count > 0)
            throw new AggregateException(errors).Flatten().InnerExceptions[0];
    }

    private void Work(int index, Action<SearchProgress>? progress, CancellationToken cancel)
    {
        using var store = openStore();
        var worker = Workers.Id(index);
        while (!cancel.IsCancellationRequested && !exhausted)
        {
            store.RequeueAbandoned(study, HeartbeatTimeout, Workers.IsDeadLocal);
            var trials = store.Trials(study);
            if (trials.Count(t => t.IsFinished) >= options.Trials)
                return;
            var trial = store.ClaimQueued(study, worker) ?? ClaimNew(store, worker, trials);
            if (trial is null)
            {
                // The budget is taken by trials still running elsewhere: wait, in case one is abandoned.
                if (!exhausted && store.Count(study) >= options.Trials)
                    cancel.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
                continue;
            }
            Trial finished;
            try
            {
                finished = Evaluate(store, worker, trial);
            }
            catch (Exception e) when (e is not StudyStoreException)
            {
                // Not the candidate's own fault, and this worker stops on it: the trial is recorded
                // failed first, so the study holds no trial stuck running that every run would retry.
                TryFinish(store, trial with { State = TrialState.Failed, Error = $"{e.GetType().Name}: {e.Message}", Worker = worker });
                throw;
            }
            store.Finish(study, finished);
            Report(store, finished, progress);
        }
    }

    private void TryFinish(IStudyStore store, Trial failed)
    {
        try
        {
            store.Finish(study, failed);
        }
        catch (StudyStoreException)
        {
            // The store is gone too: its heartbeat will go stale and the trial back to the queue.
        }
    }

    private Trial? ClaimNew(IStudyStore store, string worker, IReadOnlyList<Trial> trials)
    {
        Genome? genome;
        lock (proposing)
        {
            var random = new Random(unchecked(options.Seed * 1_000_003 + trials.Count));
            genome = sampler.Propose(Objectives.History(trials, options), random);
        }
        if (genome is null)
        {
            exhausted = true;
            return null;
        }
        var candidate = space.Decode(genome, input, classes, $"{study}-{trials.Count}");
        return store.TryClaim(study, genome, candidate.Spec is null ? null : Spec.toJson(candidate.Spec), worker, options.Trials);
    }

    /// <summary>Trains the trial's candidate; never throws for the candidate's own faults.</summary>
    private Trial Evaluate(IStudyStore store, string worker, Trial trial)
    {
        var started = Stopwatch.StartNew();
        if (trial.SpecJson is null)
        {
            var problem = space.Decode(trial.Genome, input, classes, study).Problem ?? "the candidate has no valid spec";
            return trial with { State = TrialState.Infeasible, Error = problem, Worker = worker, Seconds = started.Elapsed.TotalSeconds };
        }
        var read = Spec.ofJson(trial.SpecJson);
        var errors = read.IsError ? new[] { read.ErrorValue }
            : Spec.validate(read.ResultValue).Where(d => d.IsError).Select(d => $"{d.Code} {d.Message}").ToArray();
        if (errors.Length > 0)
            return trial with { State = TrialState.Infeasible, Error = string.Join("; ", errors), Worker = worker };
        var spec = read.ResultValue;
        TrialCosts costs;
        try
        {
            costs = CostModels.Of(spec, options.Target);
        }
        catch (Qnn.Export.ExportException e)
        {
            return trial with { State = TrialState.Infeasible, Error = $"no C for {options.Target!.Name}: {e.Message}", Worker = worker, Seconds = started.Elapsed.TotalSeconds };
        }
        if (Objectives.DeviceExcess(costs, options) > 0)
            return trial with { State = TrialState.Infeasible, Costs = costs, Error = DoesNotFit(costs), Worker = worker, Seconds = started.Elapsed.TotalSeconds };
        var beat = Stopwatch.StartNew();
        try
        {
            var folds = evaluator.Evaluate(spec, () =>
            {
                if (beat.Elapsed < HeartbeatInterval) return;
                store.Heartbeat(study, trial.Number, worker);
                beat.Restart();
            });
            var mean = folds.Average();
            var std = Math.Sqrt(folds.Select(a => (a - mean) * (a - mean)).Average());
            // An accuracy that is not a number (an empty fold) is no result a store can rank.
            if (!double.IsFinite(mean) || !double.IsFinite(std))
                return trial with { State = TrialState.Failed, Costs = costs, Error = "a fold's accuracy is not a number (an empty fold?)", Seconds = started.Elapsed.TotalSeconds, Worker = worker };
            return trial with { State = TrialState.Complete, Folds = folds, Accuracy = mean, AccuracyStd = std, Costs = costs, Seconds = started.Elapsed.TotalSeconds, Worker = worker };
        }
        catch (Exception e) when (e is CandidateFailedException or System.Runtime.InteropServices.ExternalException or InvalidOperationException or ArgumentException)
        {
            return trial with { State = TrialState.Failed, Costs = costs, Error = e.Message, Seconds = started.Elapsed.TotalSeconds, Worker = worker };
        }
    }

    /// <summary>Why a candidate is not trained: the limits its C is over.</summary>
    private string DoesNotFit(TrialCosts costs)
    {
        var over = new List<string>();
        if (costs.Flash > options.MaxFlash)
            over.Add(FormattableString.Invariant($"flash {costs.Flash:N0} B over --max-flash {options.MaxFlash:N0}"));
        if (costs.Ram > options.MaxRam)
            over.Add(FormattableString.Invariant($"RAM {costs.Ram:N0} B over --max-ram {options.MaxRam:N0}"));
        return $"does not fit {options.Target!.Description}: {string.Join(", ", over)}";
    }

    private void Report(IStudyStore store, Trial finished, Action<SearchProgress>? progress)
    {
        if (progress is null) return;
        var trials = store.Trials(study);
        lock (reporting)
        {
            finishedHere++;
            var front = Objectives.Front(trials, options);
            var best = trials.Where(t => t.State == TrialState.Complete && Objectives.Of(t, options) is { Violation: 0 }).Select(t => t.Accuracy).Max();
            progress(new SearchProgress(trials.Count(t => t.IsFinished), options.Trials, best, front.Count,
                finishedHere / Math.Max(clock.Elapsed.TotalMinutes, 1e-9), finished));
        }
    }
}
