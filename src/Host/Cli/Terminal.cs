namespace Qnn.Host.Cli;

/// <summary>Where a command writes: standard output, standard error, and whether output is a
/// terminal (progress bars redraw in place) or a file or pipe (plain lines).</summary>
public sealed record Terminal(TextWriter Out, TextWriter Error, bool Interactive)
{
    public static Terminal FromConsole() => new(Console.Out, Console.Error, !Console.IsOutputRedirected);
}
