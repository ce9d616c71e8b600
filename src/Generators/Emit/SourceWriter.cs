using System.Text;

namespace Qnn.Generators.Emit;

/// <summary>Writes indented lines with '\n' endings, so output is the same on every OS.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder text = new();
    private int depth;

    public void Line(string line = "")
    {
        if (line.Length > 0)
            text.Append(' ', depth * 4).Append(line);
        text.Append('\n');
    }

    public void Indent() => depth++;

    public void Dedent() => depth--;

    public void Open()
    {
        Line("{");
        depth++;
    }

    public void Close()
    {
        depth--;
        Line("}");
    }

    public override string ToString() => text.ToString();
}
