namespace Qnn.Host.Persistence;

/// <summary>A result that could be written neither where asked nor to a fallback path (exit 4).</summary>
public sealed class ResultNotWrittenException(string message, Exception inner) : IOException(message, inner);
