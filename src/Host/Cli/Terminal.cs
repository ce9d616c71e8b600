using Spectre.Console;

namespace Qnn.Host.Cli;

/// <summary>Where a command writes: standard output, standard error, and whether output is a
/// terminal (progress bars redraw in place, tables get borders) or a file or pipe (plain lines).</summary>
public sealed record Terminal(TextWriter Out, TextWriter Error, bool Interactive)
{
    /// <summary>Wide enough that a redirected table is never wrapped.</summary>
    private const int RedirectedWidth = 240;

    /// <summary>The process's streams, each guarded: a full or closed one is noted, not a crash.</summary>
    public static Terminal FromConsole() => new(new GuardedWriter(StandardOutput()), new GuardedWriter(Console.Error), !Console.IsOutputRedirected);

    /// <summary>Standard output as a file stream on descriptor 1: .NET's console stream drops
    /// writes to a pipe whose reader has gone (EPIPE) without a word, so `qnn predict | head`
    /// would compute and format every row for nobody; a file stream raises the error, which
    /// <see cref="GuardedWriter"/> notes and the command stops on.</summary>
    private static TextWriter StandardOutput()
    {
        if (OperatingSystem.IsWindows())
            return Console.Out;
        try
        {
            var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
            return new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Descriptor 1 is closed or not writable: the console writer fails on its first write, which is noted.
            return Console.Out;
        }
    }

    /// <summary>Why standard output stopped taking text, or null.</summary>
    public string? OutputLost => (Out as GuardedWriter)?.Lost;

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
