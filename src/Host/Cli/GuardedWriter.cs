using System.Text;

namespace Qnn.Host.Cli;

/// <summary>
/// Standard output or error as qnn writes to it: when the stream fails (a full disk, a closed
/// descriptor, a reader that went away) the first failure is kept in <see cref="Lost"/> and
/// everything after is dropped, so the work goes on and its files are written; the command then
/// ends with <see cref="ExitCodes.OutputLost"/> instead of a crash. Writes are serialized (search
/// workers report from their threads).
/// </summary>
public sealed class GuardedWriter(TextWriter inner) : TextWriter
{
    private readonly object gate = new();

    /// <summary>Why the stream stopped taking text, or null while it takes it.</summary>
    public string? Lost { get; private set; }

    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    public override string NewLine
    {
        get => inner.NewLine;
#pragma warning disable CS8765 // TextWriter.NewLine's setter takes null to mean the default.
        set => inner.NewLine = value;
#pragma warning restore CS8765
    }

    public override void Write(char value) => Guard(() => inner.Write(value));

    public override void Write(string? value) => Guard(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Guard(() => inner.Write(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        var copy = buffer.ToString();
        Guard(() => inner.Write(copy));
    }

    public override void WriteLine() => Guard(() => inner.WriteLine());

    public override void WriteLine(string? value) => Guard(() => inner.WriteLine(value));

    public override void Flush() => Guard(inner.Flush);

    private void Guard(Action write)
    {
        lock (gate)
        {
            if (Lost is not null)
                return;
            try
            {
                write();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                Lost = (e.InnerException ?? e).Message;
            }
        }
    }
}
