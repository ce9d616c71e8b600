namespace Qnn.Search.Trials;

/// <summary>Where a trial stands. Finished trials (complete, failed, infeasible) count toward a
/// study's budget; a queued trial is one whose worker died, waiting for another to run it.</summary>
public enum TrialState
{
    /// <summary>A worker is training it (and heartbeats).</summary>
    Running = 0,
    /// <summary>Trained and scored.</summary>
    Complete = 1,
    /// <summary>Training threw or diverged; <c>Error</c> says why.</summary>
    Failed = 2,
    /// <summary>Its spec breaks a model rule; <c>Error</c> says which.</summary>
    Infeasible = 3,
    /// <summary>Its worker died; the next free worker runs it.</summary>
    Queued = 4,
}
