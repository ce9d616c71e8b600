using System.Globalization;
using Qnn.Host.Cli;
using Qnn.Host.Data;

namespace Qnn.Host.Commands;

/// <summary>`qnn datasets`: each data set, where it was found (or where qnn looked), and its sizes.</summary>
public sealed class DatasetsCommand(Terminal terminal, Func<string?, DataLocator> locators)
{
    public static readonly IReadOnlyDictionary<string, bool> Flags = new Dictionary<string, bool> { ["data-dir"] = true };

    public const string Usage = """
        qnn datasets [--data-dir DIR]
          Where each data set is found (--data-dir, QNN_DATA_DIR, the user cache, /usr/share/datasets)
          and its sizes; a missing one is downloaded by the first `qnn train` that needs it.
        """;

    public int Run(IReadOnlyList<string> args)
    {
        var flags = CommandLine.Parse("datasets", args, Flags);
        var locator = locators(flags.String("data-dir"));
        var output = terminal.Out;
        foreach (var set in DataSetCatalog.All)
        {
            var folder = locator.Find(set, out var looked);
            if (folder is null)
            {
                output.WriteLine($"{set.Name}: not found ({set.Description})");
                foreach (var place in looked)
                    output.WriteLine($"  looked in {place}");
                output.WriteLine($"  downloads from {string.Join(", ", set.Files.Select(f => f.Url).Distinct())}");
                continue;
            }
            output.WriteLine($"{set.Name}: {folder} — {Sizes(set, folder)} ({set.Description})");
        }
        output.WriteLine("csv:PATH: a table of numeric columns with the label in the last column (or --label-column); 80/20 split");
        return ExitCodes.Success;
    }

    private static string Sizes(DataSetInfo set, string folder)
    {
        try
        {
            if (set.Name == "vertebral")
            {
                var rows = VertebralReader.Read(Path.Combine(folder, "column_3C.dat")).Labels.Length;
                var test = (int)Math.Ceiling(0.2 * rows);
                return $"{rows} rows: {rows - test} train, {test} test";
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
