using Microsoft.Data.Sqlite;
using Qnn.Search.Storage;
using Xunit;

namespace Qnn.Search.Tests;

/// <summary>The study-store contract on a SQLite file, and what only the file store does.</summary>
public sealed class StoreSqliteTests : StoreContractTests, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("qnn-store-").FullName;

    protected override string Storage => Path.Combine(folder, "study.db");

    void IDisposable.Dispose()
    {
        Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void The_file_is_in_WAL_mode_with_schema_version_1()
    {
        using (var store = StudyStores.Open(Storage)) Assert.IsType<SqliteStudyStore>(store);
        using var connection = new SqliteConnection($"Data Source={Storage};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "SELECT version FROM schema_version";
        Assert.Equal(1L, command.ExecuteScalar());
    }

    [Fact]
    public void A_store_written_by_a_newer_schema_is_refused_with_a_clear_message()
    {
        StudyStores.Open(Storage).Dispose();
        using (var connection = new SqliteConnection($"Data Source={Storage};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE schema_version SET version = 99";
            command.ExecuteNonQuery();
        }
        var e = Assert.Throws<StudyStoreException>(() => StudyStores.Open(Storage));
        Assert.Contains("schema version 99", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_database_or_a_missing_folder_is_a_StudyStoreException()
    {
        File.WriteAllText(Storage, "this is not a SQLite database, just some text long enough to look like a header....");
        Assert.Contains(Storage, Assert.Throws<StudyStoreException>(() => StudyStores.Open(Storage)).Message, StringComparison.Ordinal);
        var missing = Path.Combine(folder, "no", "such", "x.db");
        Assert.Contains("does not exist", Assert.Throws<StudyStoreException>(() => StudyStores.Open(missing)).Message, StringComparison.Ordinal);
        Assert.Throws<StudyStoreException>(() => StudyStores.Open(" "));
    }

    [Fact]
    public void Finished_trials_survive_a_store_that_was_never_disposed()
    {
        // What kill -9 leaves: a connection never closed, the WAL not checkpointed.
        var abandoned = StudyStores.Open(Storage);
        abandoned.Open(Settings);
        var trial = abandoned.TryClaim(Study, new Qnn.Search.Genes.Genome([1, 2]), null, "w:1:0", 5)!;
        abandoned.Finish(Study, trial with { State = Qnn.Search.Trials.TrialState.Complete, Accuracy = 0.75 });
        File.Copy(Storage, Path.Combine(folder, "copy.db"));
        if (File.Exists(Storage + "-wal")) File.Copy(Storage + "-wal", Path.Combine(folder, "copy.db-wal"));
        using var reopened = StudyStores.Open(Path.Combine(folder, "copy.db"));
        Assert.Equal(0.75, reopened.Trials(Study).Single().Accuracy);
        abandoned.Dispose();
    }
}
