namespace Qnn.Search.Scoring;

/// <summary>A candidate's training failed (diverged, or libtorch refused it): the trial is
/// recorded as failed with this message, and the search goes on.</summary>
public sealed class CandidateFailedException(string message) : Exception(message);
