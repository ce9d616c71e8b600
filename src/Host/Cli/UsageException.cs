namespace Qnn.Host.Cli;

/// <summary>A user's mistake on the command line or in a model spec: exit code 2, message only.</summary>
public sealed class UsageException(string message) : Exception(message);
