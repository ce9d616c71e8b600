using Qnn.Host.Cli;
using Spectre.Console;

namespace Qnn.Host.Reports;

/// <summary>Writes a table with Spectre: rounded borders and a bold header on a terminal wide enough
/// for it; otherwise (a file, a pipe, a narrow terminal) plain columns two spaces apart, never
/// wrapped inside a cell, so that scripts can split them.</summary>
public static class ConsoleTable
{
    /// <param name="leftAligned">How many leading columns are text (left-aligned); the rest are numbers.</param>
    public static void Write(Terminal terminal, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, int leftAligned)
    {
        var widths = Enumerable.Range(0, header.Count).Select(c => rows.Select(r => r[c].Length).Append(header[c].Length).Max()).ToArray();
        var console = terminal.Ansi(terminal.Out);
        var boxedWidth = widths.Sum() + 3 * widths.Length + 1;          // "│ " before each cell, " " after, a closing "│"
        var boxed = terminal.Interactive && boxedWidth <= console.Profile.Width;
        var table = new Table { Expand = false };
        for (var c = 0; c < header.Count; c++)
        {
            var column = new TableColumn(boxed ? $"[bold]{Markup.Escape(header[c])}[/]" : Markup.Escape(header[c]))
            {
                Alignment = c < leftAligned ? Justify.Left : Justify.Right,
                NoWrap = true,
            };
            if (!boxed)
                column.Padding = new Padding(0, 0, c == header.Count - 1 ? 0 : 2, 0);
            table.AddColumn(column);
        }
        foreach (var row in rows)
            table.AddRow(row.Select(cell => new Text(cell)).ToArray());
        if (boxed)
        {
            table.Border(TableBorder.Rounded);
        }
        else
        {
            table.Border(TableBorder.None);
            console.Profile.Width = Math.Max(console.Profile.Width, widths.Sum() + 2 * (widths.Length - 1));
        }
        console.Write(table);
    }
}
