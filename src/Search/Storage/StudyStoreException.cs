namespace Qnn.Search.Storage;

/// <summary>A study store cannot be opened or used: a malformed <c>--storage</c>, an unreachable
/// database, a file that is not a study store, a store written by a newer qnn, or a study that
/// does not exist. The message says which, without a stack trace.</summary>
public sealed class StudyStoreException : Exception
{
    /// <summary>An error with this message.</summary>
    public StudyStoreException(string message) : base(message) { }

    /// <summary>An error with this message, caused by <paramref name="inner"/>.</summary>
    public StudyStoreException(string message, Exception inner) : base(message, inner) { }
}
