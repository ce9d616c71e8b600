namespace Qnn.Host.Data;

/// <summary>
/// The vertebral table built into the program (when the build found it; see Host.csproj), so that
/// `qnn train` runs with no data directory and no network. Used only after every folder was
/// searched and a download was not possible.
/// </summary>
public static class EmbeddedVertebral
{
    public const string ResourceName = "Qnn.Host.vertebral.column_3C.dat";

    /// <summary>What `qnn datasets` shows as the source.</summary>
    public const string Source = "embedded";

    public const string Credit =
        "Vertebral Column (id 212) by G. Barreto and A. Neto, UCI Machine Learning Repository, https://archive.ics.uci.edu/dataset/212, licensed CC BY 4.0";

    public const string NotEmbedded = "the vertebral table is not embedded in this build";

    public static bool Available => typeof(EmbeddedVertebral).Assembly.GetManifestResourceInfo(ResourceName) is not null;

    /// <summary>The table's lines; a <see cref="DataException"/> when this build has none.</summary>
    public static string[] Lines()
    {
        using var stream = typeof(EmbeddedVertebral).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new DataException(NotEmbedded);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n');
    }
}
