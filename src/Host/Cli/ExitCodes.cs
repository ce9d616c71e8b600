namespace Qnn.Host.Cli;

/// <summary>The exit codes of every qnn command.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Bad usage: an unknown command or flag, a bad flag value, an invalid model spec.</summary>
    public const int Usage = 2;
    /// <summary>A data problem: a file missing, corrupt or inconsistent, a failed download.</summary>
    public const int Data = 3;
}
