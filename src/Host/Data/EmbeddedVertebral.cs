namespace Qnn.Host.Data;

/// <summary>
/// The vertebral table built into the program from the repository's data/vertebral (see
/// src/Host/Host.csproj, which checks its SHA-256), so that `qnn train` runs from any folder with
/// no data directory and no network. Used when no data folder has the table.
/// </summary>
public static class EmbeddedVertebral
{
    public const string ResourceName = "Qnn.Host.vertebral.column_3C.dat";

    /// <summary>What `qnn datasets` shows as the source, and results record as the data's source.</summary>
    public const string Source = "embedded";

    /// <summary>What the copy is, for the line that says it is used.</summary>
    public const string Description = "UCI's column_3C.dat, SHA-256 checked when qnn was built";

    public const string Credit =
        "Vertebral Column (id 212) by G. Barreto and A. Neto, UCI Machine Learning Repository, https://archive.ics.uci.edu/dataset/212, licensed CC BY 4.0";

    /// <summary>The table's lines.</summary>
    public static string[] Lines()
    {
        // The build fails without the table (Host.csproj), so a program without it is a broken build.
        using var stream = typeof(EmbeddedVertebral).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"this build of qnn lacks its resource {ResourceName}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n');
    }
}
