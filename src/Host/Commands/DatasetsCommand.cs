using System.CommandLine;
using System.Globalization;
using Qnn.Host.Cli;
using Qnn.Host.Data;
using Qnn.Host.Reports;

namespace Qnn.Host.Commands;

/// <summary>`qnn datasets`: each data set, where it was found (or where qnn looked), and its sizes.</summary>
public sealed class DatasetsCommand(Terminal terminal, Func<string?, DataLocator> locators)
{
    private readonly DataFlags data = new();

    public Command Definition()
    {
        var command = new Command("datasets", "Where each data set is found and its sizes; a missing one is downloaded by the first `qnn train` that needs it (vertebral is built into the program).") { data.DataDir };
        command.SetAction(Run);
        return command;
    }

    public int Run(ParseResult flags)
    {
        var locator = locators(data.ReadDataDir(flags));
        var rows = new List<string[]>();
        var missing = new List<string>();
        foreach (var set in DataSetCatalog.All)
        {
            var folder = locator.Find(set, out var looked);
            if (folder is not null)
            {
                rows.Add(new[] { set.Name, folder, Sizes(set, folder), set.Description });
                continue;
            }
            var embedded = set.Name == "vertebral";
            rows.Add(new[] { set.Name, embedded ? EmbeddedVertebral.Source : "not found", embedded ? EmbeddedSizes() : "", set.Description });
            missing.Add($"{set.Name}: not in any folder{(embedded ? $"; the copy built into qnn is used ({EmbeddedVertebral.Description})" : "")}");
            missing.AddRange(looked.Select(place => $"  looked in {place}"));
            if (!embedded)
                missing.Add($"  downloads from {string.Join(", ", set.Files.Select(f => f.Url).Distinct())}");
        }
        ConsoleTable.Write(terminal, new[] { "data set", "source", "size", "description" }, rows, leftAligned: 4);
        var output = terminal.Out;
        foreach (var line in missing)
            output.WriteLine(line);
        output.WriteLine("csv:PATH: a table of numeric columns with the label in the last column (or --label-column); 80/20 split");
        output.WriteLine($"vertebral: {EmbeddedVertebral.Credit}");
        return ExitCodes.Success;
    }

    private static string EmbeddedSizes() => RowSizes(VertebralReader.Parse(EmbeddedVertebral.Lines(), EmbeddedVertebral.Source).Labels.Length);

    private static string RowSizes(int rows)
    {
        var test = (int)Math.Ceiling(0.2 * rows);
        return $"{rows} rows: {rows - test} train, {test} test";
    }

    private static string Sizes(DataSetInfo set, string folder)
    {
        try
        {
            if (set.Name == "vertebral")
            {
                return RowSizes(VertebralReader.Read(Path.Combine(folder, "column_3C.dat")).Labels.Length);
            }
            var train = DataSets.IdxCount(Path.Combine(folder, "train-images-idx3-ubyte.gz"));
            var t10k = DataSets.IdxCount(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"));
            if (set.Name.StartsWith("mini-", StringComparison.Ordinal))
                (train, t10k) = (Math.Min(train, 4000), Math.Min(t10k, 800));
            return string.Create(CultureInfo.InvariantCulture, $"{train:N0} train, {t10k:N0} test images");
        }
        catch (Exception e) when (e is DataException or IOException or InvalidDataException)
        {
            return $"unreadable: {e.Message}";
        }
    }
}
