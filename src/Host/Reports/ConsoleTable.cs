using Qnn.Host.Cli;
using Spectre.Console;

namespace Qnn.Host.Reports;

/// <summary>Writes a table with Spectre: rounded borders and a bold header on a terminal; on a file
/// or pipe plain columns two spaces apart, so that scripts can split them.</summary>
public static class ConsoleTable
{
    /// <param name="leftAligned">How many leading columns are text (left-aligned); the rest are numbers.</param>
    public static void Write(Terminal terminal, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, int leftAligned)
    {
        var table = new Table();
        for (var c = 0; c < header.Count; c++)
        {
            var column = new TableColumn(terminal.Interactive ? $"[bold]{Markup.Escape(header[c])}[/]" : Markup.Escape(header[c]));
            column.Alignment = c < leftAligned ? Justify.Left : Justify.Right;
            if (!terminal.Interactive)
                column.Padding = new Padding(0, 0, c == header.Count - 1 ? 0 : 2, 0);
            column.NoWrap = true;
            table.AddColumn(column);
        }
        foreach (var row in rows)
            table.AddRow(row.Select(cell => new Text(cell)).ToArray());
        if (terminal.Interactive)
            table.Border(TableBorder.Rounded);
        else
            table.Border(TableBorder.None);
        terminal.Ansi(terminal.Out).Write(table);
    }
}
