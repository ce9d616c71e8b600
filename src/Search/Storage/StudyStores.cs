namespace Qnn.Search.Storage;

/// <summary>Opens the store <c>--storage</c> names: a <c>postgresql://</c> (or <c>postgres://</c>)
/// URI → <see cref="PostgresStudyStore"/>; anything else is a SQLite file path →
/// <see cref="SqliteStudyStore"/> (created if missing; its folder must exist).</summary>
public static class StudyStores
{
    /// <summary>The store <paramref name="storage"/> names, opened, its schema created or checked.
    /// Failures throw <see cref="StudyStoreException"/> with a message for the user.</summary>
    public static IStudyStore Open(string storage)
    {
        if (string.IsNullOrWhiteSpace(storage))
            throw new StudyStoreException("--storage is empty: give a FILE.db or a postgresql:// URI");
        if (PostgresConnectionString.IsUri(storage)) return new PostgresStudyStore(storage);
        var folder = Path.GetDirectoryName(Path.GetFullPath(storage));
        if (folder is not null && !Directory.Exists(folder))
            throw new StudyStoreException($"--storage {storage}: folder {folder} does not exist");
        return new SqliteStudyStore(storage);
    }
}
