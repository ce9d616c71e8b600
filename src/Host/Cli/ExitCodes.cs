namespace Qnn.Host.Cli;

/// <summary>The exit codes of every qnn command.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Bad usage: an unknown command or flag, a bad flag value, an invalid model spec.</summary>
    public const int Usage = 2;
    /// <summary>A data problem: a data set, model or engine file missing, corrupt or inconsistent, a failed download.</summary>
    public const int Data = 3;
    /// <summary>A result could not be written where asked at the end of the work: it went to a
    /// fallback path (printed), or nowhere could take it.</summary>
    public const int ResultElsewhere = 4;
    /// <summary>Training diverged: a loss became infinite or NaN.</summary>
    public const int Diverged = 5;
    /// <summary>Standard output could not be written (full, closed, its reader gone); the work was
    /// done and its files were written.</summary>
    public const int OutputLost = 6;
}
