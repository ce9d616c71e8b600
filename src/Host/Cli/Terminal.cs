using Spectre.Console;

namespace Qnn.Host.Cli;

/// <summary>Where a command writes: standard output, standard error, and whether output is a
/// terminal (progress bars redraw in place, tables get borders) or a file or pipe (plain lines).</summary>
public sealed record Terminal(TextWriter Out, TextWriter Error, bool Interactive)
{
    /// <summary>Wide enough that a redirected table is never wrapped.</summary>
    private const int RedirectedWidth = 240;

    public static Terminal FromConsole() => new(Console.Out, Console.Error, !Console.IsOutputRedirected);

    /// <summary>A Spectre console over one of this terminal's writers: colours and live redraws on a
    /// terminal, plain text of a fixed width elsewhere.</summary>
    public IAnsiConsole Ansi(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (!Interactive)
            console.Profile.Width = RedirectedWidth;
        return console;
    }
}
