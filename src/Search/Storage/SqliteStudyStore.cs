using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Qnn.Search.Storage;

/// <summary>A study store in a SQLite file (Microsoft.Data.Sqlite), the default embedded store.
/// WAL journal, 30 s busy timeout, claims in BEGIN IMMEDIATE transactions, so several processes
/// on one machine may share the file. Timestamps are UTC text (ISO 8601, fixed width, so they
/// compare as text) from this machine's clock. One connection per instance; use an instance from
/// one thread at a time and give each worker its own. Workers on several machines need
/// PostgreSQL: SQLite's locks do not hold on network file systems.</summary>
public sealed class SqliteStudyStore : SqlStudyStore
{
    private const string Iso = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>Opens (creating if needed) the study store in file <paramref name="path"/>.</summary>
    public SqliteStudyStore(string path)
        : base(new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString()), path)
    {
        try
        {
            Guard(() =>
            {
                Connection.Open();
                Pragma("PRAGMA busy_timeout = 30000");
                Pragma("PRAGMA journal_mode = WAL");
                // NORMAL keeps every committed transaction across a killed process; WAL makes it cheap.
                Pragma("PRAGMA synchronous = NORMAL");
                Pragma("PRAGMA foreign_keys = ON");
                // The connection stays open: busy_timeout, synchronous and foreign_keys are per connection.
                Initialize();
                return 0;
            });
        }
        catch
        {
            Connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    private protected override string RealType => "REAL";

    /// <inheritdoc />
    private protected override string TimeType => "TEXT";

    /// <inheritdoc />
    private protected override string NowSql => "@now";

    /// <inheritdoc />
    private protected override string StaleSql => "heartbeat < @cutoff";

    /// <inheritdoc />
    private protected override void AddClock(DbCommand command, TimeSpan timeout)
    {
        var now = DateTime.UtcNow;
        if (command.CommandText.Contains("@now", StringComparison.Ordinal))
            AddParameter(command, "now", now.ToString(Iso, CultureInfo.InvariantCulture));
        if (command.CommandText.Contains("@cutoff", StringComparison.Ordinal))
            AddParameter(command, "cutoff", (now - timeout).ToString(Iso, CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    private protected override DbTransaction BeginRead() => ((SqliteConnection)Connection).BeginTransaction(deferred: true);

    /// <inheritdoc />
    private protected override DbTransaction BeginSchema() => ((SqliteConnection)Connection).BeginTransaction(deferred: false);

    /// <inheritdoc />
    private protected override DbTransaction BeginClaim(string study)
    {
        // BEGIN IMMEDIATE takes the file's write lock up front: claims by every process are serialized.
        var tx = ((SqliteConnection)Connection).BeginTransaction(deferred: false);
        if (Scalar(tx, "SELECT 1 FROM studies WHERE name = @name", ("name", study)) is null)
        {
            tx.Dispose();
            throw new StudyStoreException($"the study store {Description} has no study '{study}'");
        }
        return tx;
    }

    private void Pragma(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
