namespace Qnn.Host.Data;

/// <summary>
/// Finds a data set's folder in the design's order: --data-dir, QNN_DATA_DIR, the user cache
/// ($XDG_CACHE_HOME/qnn, else ~/.cache/qnn), /usr/share/datasets (Debian's packages). A folder
/// counts only when it holds every file of the set.
/// </summary>
public sealed class DataLocator(string? dataDir, IReadOnlyDictionary<string, string?> environment)
{
    public const string SystemDatasets = "/usr/share/datasets";

    public static DataLocator FromEnvironment(string? dataDir) =>
        new(dataDir, new Dictionary<string, string?>
        {
            ["QNN_DATA_DIR"] = Environment.GetEnvironmentVariable("QNN_DATA_DIR"),
            ["XDG_CACHE_HOME"] = Environment.GetEnvironmentVariable("XDG_CACHE_HOME"),
            ["HOME"] = Environment.GetEnvironmentVariable("HOME"),
        });

    /// <summary>Where downloads go: the user cache.</summary>
    public string CacheRoot
    {
        get
        {
            var xdg = environment.GetValueOrDefault("XDG_CACHE_HOME");
            if (!string.IsNullOrEmpty(xdg))
                return Path.Combine(xdg, "qnn");
            var home = environment.GetValueOrDefault("HOME");
            return Path.Combine(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, ".cache", "qnn");
        }
    }

    /// <summary>The roots searched, in order, each with how it was chosen.</summary>
    public IReadOnlyList<(string Root, string Origin)> Roots
    {
        get
        {
            var roots = new List<(string, string)>();
            if (!string.IsNullOrEmpty(dataDir)) roots.Add((dataDir, "--data-dir"));
            var fromEnvironment = environment.GetValueOrDefault("QNN_DATA_DIR");
            if (!string.IsNullOrEmpty(fromEnvironment)) roots.Add((fromEnvironment, "QNN_DATA_DIR"));
            roots.Add((CacheRoot, "user cache"));
            roots.Add((SystemDatasets, "system data sets"));
            return roots;
        }
    }

    /// <summary>The first folder holding every file of the set, or null; <paramref name="looked"/> says what each root lacked.</summary>
    public string? Find(DataSetInfo set, out List<string> looked)
    {
        looked = new List<string>();
        foreach (var (root, origin) in Roots)
        {
            var folder = Path.Combine(root, set.Folder);
            var missing = set.Files.Where(f => !File.Exists(Path.Combine(folder, f.Name))).Select(f => f.Name).ToList();
            if (missing.Count == 0)
                return folder;
            looked.Add(missing.Count == set.Files.Count
                ? $"{folder} ({origin}): not there"
                : $"{folder} ({origin}): lacks {string.Join(", ", missing)}");
        }
        return null;
    }
}
