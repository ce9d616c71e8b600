using System.Reflection;

namespace Qnn.Host.Cli;

/// <summary>Which qnn this is: the informational version the build stamped, "1.0.0+COMMIT" when it
/// was built from a git checkout (the SDK's source link adds the commit), else "1.0.0".</summary>
public static class BuildInfo
{
    public static string Full { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The version without the commit.</summary>
    public static string Version => Full.Split('+')[0];

    /// <summary>The source commit the build knew, or null.</summary>
    public static string? Commit => Full.Split('+') is [_, var commit, ..] && commit.Length > 0 ? commit : null;
}
