using System.Data.Common;
using Npgsql;

namespace Qnn.Search.Storage;

/// <summary>A study store in a PostgreSQL database (Npgsql), shared by any number of workers on any
/// number of machines. A claim locks the study's row (SELECT … FOR UPDATE), so numbering and the
/// budget check are serialized across all of them; heartbeats and their age use the database
/// server's clock (now()), so the workers' clocks need not agree. Takes a
/// <c>postgresql://</c> URI or an Npgsql key=value connection string (see
/// <see cref="PostgresConnectionString"/>). One connection per instance; use an instance from one
/// thread at a time and give each worker its own.</summary>
public sealed class PostgresStudyStore : SqlStudyStore
{
    // Any fixed number: the advisory lock that serializes schema creation between openers.
    private const long SchemaLock = 0x716e6e_5f7363;

    /// <summary>Opens the study store <paramref name="storage"/> (a URI or connection string),
    /// creating the schema if needed.</summary>
    public PostgresStudyStore(string storage)
        : base(new NpgsqlConnection(PostgresConnectionString.From(storage)), PostgresConnectionString.Describe(storage))
    {
        try
        {
            Guard(() => { Initialize(); return 0; });
        }
        catch (Exception e) when (e is not StudyStoreException)
        {
            Connection.Dispose();
            // Connection failures (refused, timeout) come as sockets or Npgsql exceptions.
            throw new StudyStoreException($"cannot open the study store {Description}: {e.Message}", e);
        }
        catch
        {
            Connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    private protected override string RealType => "double precision";

    /// <inheritdoc />
    private protected override string TimeType => "timestamptz";

    /// <inheritdoc />
    private protected override string NowSql => "now()";

    /// <inheritdoc />
    private protected override string StaleSql => "heartbeat < now() - @timeout";

    /// <inheritdoc />
    private protected override void AddClock(DbCommand command, TimeSpan timeout)
    {
        if (command.CommandText.Contains("@timeout", StringComparison.Ordinal))
            AddParameter(command, "timeout", timeout);
    }

    /// <inheritdoc />
    private protected override DbTransaction BeginRead() => Connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);

    /// <inheritdoc />
    private protected override DbTransaction BeginSchema()
    {
        // CREATE TABLE IF NOT EXISTS is not safe against a concurrent creator; the lock makes it so.
        var tx = Connection.BeginTransaction();
        Scalar(tx, $"SELECT pg_advisory_xact_lock({SchemaLock})");
        return tx;
    }

    /// <inheritdoc />
    private protected override DbTransaction BeginClaim(string study)
    {
        var tx = Connection.BeginTransaction();
        if (Scalar(tx, "SELECT 1 FROM studies WHERE name = @name FOR UPDATE", ("name", study)) is null)
        {
            tx.Dispose();
            throw new StudyStoreException($"the study store {Description} has no study '{study}'");
        }
        return tx;
    }
}
