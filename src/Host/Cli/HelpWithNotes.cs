using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Qnn.Host.Cli;

/// <summary>System.CommandLine's help at a fixed width, followed by a command's notes (what does not
/// fit one option's line: defaults that interact, models, data sets, exit codes).</summary>
public sealed class HelpWithNotes(IReadOnlyDictionary<Command, string> notes, int width) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var help = new HelpAction { MaxWidth = width };
        help.Invoke(parseResult);
        if (notes.TryGetValue(parseResult.CommandResult.Command, out var text))
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(text);
            output.WriteLine();
        }
        return ExitCodes.Success;
    }
}
