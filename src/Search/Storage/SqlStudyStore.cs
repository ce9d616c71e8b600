using System.Data.Common;
using Qnn.Search.Genes;
using Qnn.Search.Trials;

namespace Qnn.Search.Storage;

/// <summary>The study store over one ADO.NET connection (only this assembly derives from it), shared by SQLite and PostgreSQL; the
/// subclasses give the schema's column types, how a claim's transaction is serialized, and whose
/// clock "now" is. Schema version 2 (docs in <see cref="SchemaVersion"/>); a version 1 store gains
/// version 2's columns when it is opened.</summary>
public abstract class SqlStudyStore : IStudyStore
{
    /// <summary>The schema this code writes:
    /// <c>schema_version(version)</c>, one row;
    /// <c>studies(name PK, settings JSON text, created UTC)</c>;
    /// <c>trials(study FK, number, state text, genome_key "3,0,5", genes JSON array, spec JSON,
    /// folds JSON array, accuracy, accuracy_std, complexity, bitops, bytes, seconds, worker,
    /// heartbeat UTC, error, flash, ram, instructions (version 2: the device costs, null without
    /// a target), PK (study, number), UNIQUE (study, genome_key))</c>.</summary>
    public const int SchemaVersion = 2;

    private const string TrialColumns =
        "number, state, genome_key, spec, folds, accuracy, accuracy_std, complexity, bitops, bytes, seconds, worker, error, flash, ram, instructions";

    /// <summary>The columns version 2 added to version 1's trials.</summary>
    private static readonly string[] DeviceColumns = ["flash", "ram", "instructions"];

    /// <summary>A store over <paramref name="connection"/>, named <paramref name="description"/> in messages.</summary>
    private protected SqlStudyStore(DbConnection connection, string description)
    {
        Connection = connection;
        Description = description;
    }

    /// <summary>This store's one connection.</summary>
    private protected DbConnection Connection { get; }

    /// <summary>The store as the user named it, for messages (a path or a URI without password).</summary>
    private protected string Description { get; }

    /// <summary>CREATE TABLE IF NOT EXISTS statements for the schema, in this dialect.</summary>
    private IEnumerable<string> SchemaStatements =>
    [
        "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)",
        $"CREATE TABLE IF NOT EXISTS studies (name text PRIMARY KEY, settings text NOT NULL, created {TimeType} NOT NULL)",
        $"""
        CREATE TABLE IF NOT EXISTS trials (
          study text NOT NULL REFERENCES studies (name),
          number integer NOT NULL,
          state text NOT NULL CHECK (state IN ('running', 'complete', 'failed', 'infeasible', 'queued')),
          genome_key text NOT NULL,
          genes text NOT NULL,
          spec text,
          folds text NOT NULL,
          accuracy {RealType},
          accuracy_std {RealType},
          complexity {RealType},
          bitops {RealType},
          bytes {RealType},
          seconds {RealType} NOT NULL,
          worker text,
          heartbeat {TimeType},
          error text,
          flash {RealType},
          ram {RealType},
          instructions {RealType},
          PRIMARY KEY (study, number),
          UNIQUE (study, genome_key))
        """,
        "CREATE INDEX IF NOT EXISTS trials_state ON trials (study, state)",
    ];

    /// <summary>The dialect's 64-bit float column type.</summary>
    private protected abstract string RealType { get; }

    /// <summary>The dialect's column type for UTC timestamps.</summary>
    private protected abstract string TimeType { get; }

    /// <summary>The SQL for "now" in UTC (a parameter @now, or the server's clock).</summary>
    private protected abstract string NowSql { get; }

    /// <summary>A condition true when a trial's heartbeat is older than the timeout (@timeout or @cutoff).</summary>
    private protected abstract string StaleSql { get; }

    /// <summary>Adds the parameters <see cref="NowSql"/> and <see cref="StaleSql"/> use.</summary>
    private protected abstract void AddClock(DbCommand command, TimeSpan timeout);

    /// <summary>Starts the transaction that creates the schema, serialized against other openers.</summary>
    private protected abstract DbTransaction BeginSchema();

    /// <summary>Starts a read-only transaction (a consistent snapshot, taking no write lock).</summary>
    private protected abstract DbTransaction BeginRead();

    /// <summary>Starts a write transaction on <paramref name="study"/> that no other claim on it
    /// runs beside (trial numbering and the budget check are serialized). Throws when the study
    /// does not exist.</summary>
    private protected abstract DbTransaction BeginClaim(string study);

    /// <summary>Opens the connection (unless the subclass did, to set it up) and creates or checks the schema.</summary>
    private protected void Initialize()
    {
        if (Connection.State != System.Data.ConnectionState.Open) Connection.Open();
        using var tx = BeginSchema();
        foreach (var sql in SchemaStatements) Execute(tx, sql);
        var version = Scalar(tx, "SELECT MAX(version) FROM schema_version");
        if (version is null or DBNull)
            Execute(tx, $"INSERT INTO schema_version (version) VALUES ({SchemaVersion})");
        else if (Convert.ToInt32(version, System.Globalization.CultureInfo.InvariantCulture) is var stored && stored > SchemaVersion)
            throw new StudyStoreException(
                $"the study store {Description} has schema version {version}, newer than this qnn reads ({SchemaVersion}); use a newer qnn");
        else if (stored == 1)
        {
            // Version 1's trials had no device costs: its trials keep null there.
            foreach (var column in DeviceColumns)
                Execute(tx, $"ALTER TABLE trials ADD COLUMN {column} {RealType}");
            Execute(tx, $"UPDATE schema_version SET version = {SchemaVersion}");
        }
        tx.Commit();
    }

    /// <inheritdoc />
    public StudySettings Open(StudySettings wanted) => Guard(() =>
    {
        using var tx = Connection.BeginTransaction();
        Execute(tx, $"INSERT INTO studies (name, settings, created) VALUES (@name, @settings, {NowSql}) ON CONFLICT (name) DO NOTHING",
            c => AddClock(c, TimeSpan.Zero), ("name", wanted.Name), ("settings", StudySettingsJson.Write(wanted)));
        var json = (string)Scalar(tx, "SELECT settings FROM studies WHERE name = @name", ("name", wanted.Name))!;
        tx.Commit();
        var stored = StudySettingsJson.Read(json, wanted.Name);
        StudySettingsJson.Check(stored, wanted);
        return stored;
    });

    /// <inheritdoc />
    public IReadOnlyList<StudySettings> Studies() => Guard(() =>
    {
        using var tx = BeginRead();
        using var command = Connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT name, settings FROM studies ORDER BY name";
        var studies = new List<StudySettings>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
                studies.Add(StudySettingsJson.Read(reader.GetString(1), reader.GetString(0)));
        }
        tx.Commit();
        return (IReadOnlyList<StudySettings>)studies;
    });

    /// <inheritdoc />
    public void Delete(string study) => Guard(() =>
    {
        using var tx = Connection.BeginTransaction();
        Execute(tx, "DELETE FROM trials WHERE study = @study", null, ("study", study));
        Execute(tx, "DELETE FROM studies WHERE name = @study", null, ("study", study));
        tx.Commit();
        return 0;
    });

    /// <inheritdoc />
    public IReadOnlyList<Trial> Trials(string study) => Guard(() =>
    {
        using var tx = BeginRead();
        var trials = ReadTrials(tx, $"SELECT {TrialColumns} FROM trials WHERE study = @study ORDER BY number", ("study", study));
        tx.Commit();
        return trials;
    });

    /// <inheritdoc />
    public int Count(string study) => Guard(() => CountTrials(null, study));

    /// <inheritdoc />
    public Trial? ClaimQueued(string study, string worker) => Guard(() =>
    {
        using var tx = BeginClaim(study);
        var number = Scalar(tx, "SELECT MIN(number) FROM trials WHERE study = @study AND state = 'queued'", ("study", study));
        if (number is null or DBNull) { tx.Commit(); return null; }
        var n = Convert.ToInt32(number, System.Globalization.CultureInfo.InvariantCulture);
        Execute(tx, $"UPDATE trials SET state = 'running', worker = @worker, heartbeat = {NowSql} WHERE study = @study AND number = @number",
            c => AddClock(c, TimeSpan.Zero), ("worker", worker), ("study", study), ("number", n));
        var trial = ReadTrial(tx, study, n);
        tx.Commit();
        return trial;
    });

    /// <inheritdoc />
    public Trial? TryClaim(string study, Genome genome, string? specJson, string worker, int budget) => Guard(() =>
    {
        using var tx = BeginClaim(study);
        var exists = Scalar(tx, "SELECT 1 FROM trials WHERE study = @study AND genome_key = @key", ("study", study), ("key", genome.Key));
        if (exists is not null and not DBNull || CountTrials(tx, study) >= budget) { tx.Commit(); return null; }
        var next = Scalar(tx, "SELECT COALESCE(MAX(number) + 1, 0) FROM trials WHERE study = @study", ("study", study));
        var n = Convert.ToInt32(next, System.Globalization.CultureInfo.InvariantCulture);
        Execute(tx,
            "INSERT INTO trials (study, number, state, genome_key, genes, spec, folds, seconds, worker, heartbeat) " +
            $"VALUES (@study, @number, 'running', @key, @genes, @spec, '[]', 0, @worker, {NowSql})",
            c => AddClock(c, TimeSpan.Zero),
            ("study", study), ("number", n), ("key", genome.Key), ("genes", TrialJson.WriteGenes(genome)),
            ("spec", specJson), ("worker", worker));
        tx.Commit();
        return new Trial(n, TrialState.Running, genome, specJson, Array.Empty<double>(), null, null, null, 0, worker, null);
    });

    /// <inheritdoc />
    public bool Heartbeat(string study, int number, string worker) => Guard(() =>
        Execute(null, $"UPDATE trials SET heartbeat = {NowSql} WHERE study = @study AND number = @number AND state = 'running' AND worker = @worker",
            c => AddClock(c, TimeSpan.Zero), ("study", study), ("number", number), ("worker", worker)) == 1);

    /// <inheritdoc />
    public bool Finish(string study, Trial finished)
    {
        if (!finished.IsFinished)
            throw new ArgumentException($"trial {finished.Number} is {finished.State}, not finished", nameof(finished));
        if (finished.Worker is null)
            throw new ArgumentException($"trial {finished.Number} has no worker", nameof(finished));
        return Guard(() => Execute(null,
            "UPDATE trials SET state = @state, spec = COALESCE(@spec, spec), folds = @folds, accuracy = @accuracy, " +
            "accuracy_std = @std, complexity = @complexity, bitops = @bitops, bytes = @bytes, seconds = @seconds, " +
            "flash = @flash, ram = @ram, instructions = @instructions, " +
            $"worker = @worker, heartbeat = {NowSql}, error = @error " +
            "WHERE study = @study AND number = @number AND (state = 'queued' OR (state = 'running' AND worker = @worker))",
            c => AddClock(c, TimeSpan.Zero),
            ("state", TrialJson.StateName(finished.State)), ("spec", finished.SpecJson),
            ("folds", TrialJson.WriteFolds(finished.Folds)), ("accuracy", finished.Accuracy), ("std", finished.AccuracyStd),
            ("complexity", finished.Costs?.Complexity), ("bitops", finished.Costs?.Bitops), ("bytes", finished.Costs?.Bytes),
            ("flash", finished.Costs?.Flash), ("ram", finished.Costs?.Ram), ("instructions", finished.Costs?.Instructions),
            ("seconds", finished.Seconds), ("worker", finished.Worker), ("error", finished.Error),
            ("study", study), ("number", finished.Number)) == 1);
    }

    /// <inheritdoc />
    public int RequeueAbandoned(string study, TimeSpan timeout, Func<string, bool> workerIsDead) => Guard(() =>
    {
        using var tx = BeginClaim(study);
        var abandoned = new List<int>();
        using (var command = Command(tx,
            $"SELECT number, worker, CASE WHEN heartbeat IS NULL OR {StaleSql} THEN 1 ELSE 0 END FROM trials " +
            "WHERE study = @study AND state = 'running' ORDER BY number", [("study", study)]))
        {
            AddClock(command, timeout);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var stale = Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture) == 1;
                var worker = reader.IsDBNull(1) ? null : reader.GetString(1);
                if (stale || worker is null || workerIsDead(worker)) abandoned.Add(reader.GetInt32(0));
            }
        }
        foreach (var n in abandoned)
            Execute(tx, "UPDATE trials SET state = 'queued', worker = NULL WHERE study = @study AND number = @number AND state = 'running'",
                null, ("study", study), ("number", n));
        tx.Commit();
        return abandoned.Count;
    });

    /// <inheritdoc />
    public void Dispose() => Connection.Dispose();

    private int CountTrials(DbTransaction? tx, string study) =>
        Convert.ToInt32(Scalar(tx, "SELECT COUNT(*) FROM trials WHERE study = @study", ("study", study)),
            System.Globalization.CultureInfo.InvariantCulture);

    private Trial ReadTrial(DbTransaction tx, string study, int number) =>
        ReadTrials(tx, $"SELECT {TrialColumns} FROM trials WHERE study = @study AND number = @number",
            ("study", study), ("number", number)).Single();

    private List<Trial> ReadTrials(DbTransaction tx, string sql, params (string, object?)[] parameters)
    {
        using var command = Command(tx, sql, parameters);
        using var reader = command.ExecuteReader();
        var trials = new List<Trial>();
        while (reader.Read())
        {
            double? Nullable(int i) => reader.IsDBNull(i) ? null : reader.GetDouble(i);
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            var complexity = Nullable(7);
            trials.Add(new Trial(
                Number: reader.GetInt32(0),
                State: TrialJson.ParseState(reader.GetString(1)),
                Genome: Genome.Parse(reader.GetString(2)),
                SpecJson: Text(3),
                Folds: TrialJson.ReadFolds(reader.GetString(4)),
                Accuracy: Nullable(5),
                AccuracyStd: Nullable(6),
                Costs: complexity is null ? null : new TrialCosts(complexity.Value, Nullable(8) ?? 0, Nullable(9) ?? 0, Nullable(13), Nullable(14), Nullable(15)),
                Seconds: reader.GetDouble(10),
                Worker: Text(11),
                Error: Text(12)));
        }
        return trials;
    }

    /// <summary>Runs a statement; returns the rows it changed.</summary>
    private protected int Execute(DbTransaction? tx, string sql, Action<DbCommand>? prepare = null, params (string, object?)[] parameters)
    {
        using var command = Command(tx, sql, parameters);
        prepare?.Invoke(command);
        return command.ExecuteNonQuery();
    }

    /// <summary>The first column of the first row, or null.</summary>
    private protected object? Scalar(DbTransaction? tx, string sql, params (string, object?)[] parameters)
    {
        using var command = Command(tx, sql, parameters);
        return command.ExecuteScalar();
    }

    private DbCommand Command(DbTransaction? tx, string sql, (string, object?)[] parameters)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters) AddParameter(command, name, value);
        return command;
    }

    /// <summary>Adds @<paramref name="name"/> = <paramref name="value"/> (null as SQL NULL).</summary>
    private protected static void AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Runs a store operation, turning a database failure into a <see cref="StudyStoreException"/>.</summary>
    private protected T Guard<T>(Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (DbException e)
        {
            throw new StudyStoreException($"the study store {Description} failed: {e.Message}", e);
        }
    }
}
