using Qnn.Search.Genes;
using Qnn.Search.Trials;

namespace Qnn.Search.Storage;

/// <summary>Where a study's settings and trials live (a SQLite file or a PostgreSQL database).
/// Claims are transactions, so any number of store instances — threads, processes, machines —
/// may work on one study: no genome is claimed twice and the trial count never exceeds the
/// budget. An instance holds one connection and must be used by one thread at a time; each
/// worker opens its own.</summary>
public interface IStudyStore : IDisposable
{
    /// <summary>Creates the study <paramref name="wanted"/> names, or returns the settings it was
    /// created with. Throws <see cref="StudyMismatchException"/> when the stored space, dataset,
    /// sampler, cost, folds or epochs differ from <paramref name="wanted"/>'s; the other settings
    /// are returned as stored (the caller decides whether to warn).</summary>
    StudySettings Open(StudySettings wanted);

    /// <summary>Every study in the store with its settings, by name.</summary>
    IReadOnlyList<StudySettings> Studies();

    /// <summary>Removes the study and its trials (a fresh start under the same name).</summary>
    void Delete(string study);

    /// <summary>Every trial of the study, by number.</summary>
    IReadOnlyList<Trial> Trials(string study);

    /// <summary>The number of trials of the study, in any state.</summary>
    int Count(string study);

    /// <summary>The oldest queued trial, now running for <paramref name="worker"/>; null when
    /// none is queued.</summary>
    Trial? ClaimQueued(string study, string worker);

    /// <summary>In one transaction: null when the study already has <paramref name="genome"/> (in
    /// any state) or already has <paramref name="budget"/> trials (in any state); otherwise the
    /// genome inserted as running for <paramref name="worker"/> with the next number.</summary>
    Trial? TryClaim(string study, Genome genome, string? specJson, string worker, int budget);

    /// <summary>Marks the running trial as alive now. False (and nothing written) when the trial is
    /// no longer running for <paramref name="worker"/> — it was requeued and perhaps claimed by
    /// another worker.</summary>
    bool Heartbeat(string study, int number, string worker);

    /// <summary>Records a finished trial (state complete, failed or infeasible) with its folds,
    /// costs, seconds and error. Only the trial's worker may finish it while it runs; a queued
    /// trial (requeued, not yet reclaimed) may be finished by the worker that still had it. False
    /// (and nothing written) otherwise: it is running for another worker or already finished.</summary>
    bool Finish(string study, Trial finished);

    /// <summary>Puts back in the queue every running trial whose heartbeat is older than
    /// <paramref name="timeout"/> or whose worker <paramref name="workerIsDead"/> says is gone
    /// (see <see cref="Workers.IsDeadLocal"/>). Returns how many.</summary>
    int RequeueAbandoned(string study, TimeSpan timeout, Func<string, bool> workerIsDead);
}
