using System.CommandLine;
using System.CommandLine.Invocation;

namespace Qnn.Host.Cli;

/// <summary>`qnn --version`: "qnn" and the program's informational version.</summary>
public sealed class VersionAction : SynchronousCommandLineAction
{
    public static string Version => BuildInfo.Full;

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine($"qnn {Version}");
        return ExitCodes.Success;
    }
}
