namespace Qnn.Host.Data;

/// <summary>A data problem (missing, corrupt or inconsistent file; failed download): exit code 3.
/// The message names the file and what is wrong.</summary>
public sealed class DataException(string message, Exception? inner = null) : Exception(message, inner);
