using System.CommandLine;
using Qnn.Host.Data;

namespace Qnn.Host.Cli;

/// <summary>The flags that say where data comes from and how a table is split, for the commands that read data.</summary>
public sealed class DataFlags
{
    public Option<string?> DataDir { get; } = Flag.Text("--data-dir", "DIR", "Look here first for data sets (then QNN_DATA_DIR, the user cache, /usr/share/datasets)");
    public Option<bool> Offline { get; } = Flag.Switch("--offline", "Never download; a missing data set is an error (vertebral is never downloaded: qnn has a copy built in)");
    public Option<string?> LabelColumn { get; } = Flag.Text("--label-column", "N|NAME", "The label column of a csv:PATH table, by 0-based index or header name [default: the last]");
    public Option<int> SplitSeed { get; } = Flag.Int("--split-seed", "Seed of the 80/20 train/test split of vertebral and csv:PATH tables", 42, 0);

    /// <summary>The data flags; <paramref name="tables"/> adds those that only tables use.</summary>
    public IEnumerable<Option> All(bool tables) =>
        tables ? new Option[] { DataDir, Offline, LabelColumn, SplitSeed } : new Option[] { DataDir, Offline };

    /// <summary>The options; a --data-dir that is not a directory is a data error (exit 3), not a
    /// silent fall-back to the other places.</summary>
    public DataOptions Read(ParseResult result)
    {
        return new(ReadDataDir(result), result.GetValue(Offline), result.GetValue(LabelColumn), (uint)result.GetValue(SplitSeed));
    }

    /// <summary>--data-dir, which must be a directory when given.</summary>
    public string? ReadDataDir(ParseResult result)
    {
        var dataDir = result.GetValue(DataDir);
        if (dataDir is not null && !Directory.Exists(dataDir))
            throw new DataException(File.Exists(dataDir) ? $"--data-dir {dataDir}: a file, not a directory" : $"--data-dir {dataDir}: no such directory");
        return dataDir;
    }
}
