using Microsoft.Data.Sqlite;
using Qnn.Search.Genes;
using Qnn.Search.Storage;
using Qnn.Search.Trials;
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
    public void The_file_is_in_WAL_mode_with_schema_version_2()
    {
        using (var store = StudyStores.Open(Storage)) Assert.IsType<SqliteStudyStore>(store);
        using var connection = new SqliteConnection($"Data Source={Storage};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "SELECT version FROM schema_version";
        Assert.Equal(2L, command.ExecuteScalar());
    }

    [Fact]
    public void A_version_1_store_gains_the_device_columns_and_keeps_its_trials()
    {
        // Version 1's schema, as qnn wrote it before the device costs, with one finished trial.
        using (var connection = new SqliteConnection($"Data Source={Storage};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE schema_version (version integer NOT NULL);
                INSERT INTO schema_version (version) VALUES (1);
                CREATE TABLE studies (name text PRIMARY KEY, settings text NOT NULL, created text NOT NULL);
                CREATE TABLE trials (study text NOT NULL REFERENCES studies (name), number integer NOT NULL,
                  state text NOT NULL, genome_key text NOT NULL, genes text NOT NULL, spec text, folds text NOT NULL,
                  accuracy real, accuracy_std real, complexity real, bitops real, bytes real, seconds real NOT NULL,
                  worker text, heartbeat text, error text, PRIMARY KEY (study, number), UNIQUE (study, genome_key));
                INSERT INTO studies VALUES ('old', '{}', '2026-11-26T00:00:00Z');
                INSERT INTO trials VALUES ('old', 0, 'complete', '1,2', '[1,2]', '{"name":"a"}', '[0.75]', 0.75, 0, 18, 54, 155, 0.5, 'w:1:0', NULL, NULL);
                """;
            command.ExecuteNonQuery();
        }
        using (var store = StudyStores.Open(Storage))
        {
            var trial = Assert.Single(store.Trials("old"));
            Assert.Equal(new TrialCosts(18, 54, 155), trial.Costs);
            Assert.Equal(0.75, trial.Accuracy);
            var next = store.TryClaim("old", new Genome([3, 4]), """{"name":"b"}""", "w:1:0", budget: 10)!;
            Assert.True(store.Finish("old", next with { State = TrialState.Complete, Folds = [0.5], Accuracy = 0.5, AccuracyStd = 0, Costs = new TrialCosts(1, 2, 3, 790, 274, 398), Worker = "w:1:0" }));
            Assert.Equal(new TrialCosts(1, 2, 3, 790, 274, 398), store.Trials("old")[1].Costs);
        }
        using var check = new SqliteConnection($"Data Source={Storage};Pooling=False");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "SELECT version FROM schema_version";
        Assert.Equal(2L, version.ExecuteScalar());
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
