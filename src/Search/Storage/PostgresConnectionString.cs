using System.Globalization;
using Npgsql;

namespace Qnn.Search.Storage;

/// <summary>Turns <c>--storage</c> into an Npgsql connection string. Accepted forms:
/// <list type="bullet">
/// <item><c>postgresql://[user[:password]@]host[:port][/database][?param=value&amp;…]</c> (or
/// <c>postgres://</c>), percent-encoded like libpq's URIs; port 5432 and Npgsql's defaults for a
/// missing user or database; parameters <c>sslmode</c>, <c>connect_timeout</c>,
/// <c>application_name</c>, <c>options</c> and <c>search_path</c>;</item>
/// <item>an Npgsql key=value string (<c>Host=…;Port=…;Username=…;Database=…</c>), passed as is.</item>
/// </list>
/// Not supported: several hosts in one URI, Unix-socket hosts in a URI (use the key=value form).</summary>
public static class PostgresConnectionString
{
    /// <summary>Whether <paramref name="storage"/> is a PostgreSQL URI.</summary>
    public static bool IsUri(string storage) =>
        storage.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || storage.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Npgsql connection string for <paramref name="storage"/>; a malformed one throws
    /// <see cref="StudyStoreException"/>.</summary>
    public static string From(string storage)
    {
        if (!IsUri(storage))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(storage).ConnectionString;
            }
            catch (ArgumentException e)
            {
                throw new StudyStoreException($"--storage '{storage}' is not a PostgreSQL connection string: {e.Message}", e);
            }
        }
        if (!Uri.TryCreate(storage, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw Bad(storage, "expected postgresql://user@host:port/database");
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.IdnHost,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Contains('/', StringComparison.Ordinal)) throw Bad(storage, "the database name cannot contain '/'");
        if (database.Length > 0) builder.Database = database;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0) throw Bad(storage, $"parameter '{pair}' has no value");
            var key = Uri.UnescapeDataString(pair[..eq]);
            var value = Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key)
            {
                case "sslmode":
                    if (!Enum.TryParse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode))
                        throw Bad(storage, $"sslmode '{value}' is not one of disable, allow, prefer, require, verify-ca, verify-full");
                    builder.SslMode = mode;
                    break;
                case "connect_timeout":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                        throw Bad(storage, $"connect_timeout '{value}' is not a whole number of seconds");
                    builder.Timeout = seconds;
                    break;
                case "application_name": builder.ApplicationName = value; break;
                case "options": builder.Options = value; break;
                case "search_path": builder.SearchPath = value; break;
                default: throw Bad(storage, $"unknown parameter '{key}'");
            }
        }
        return builder.ConnectionString;
    }

    /// <summary><paramref name="storage"/> for messages: a URI without its password.</summary>
    public static string Describe(string storage)
    {
        if (IsUri(storage) && Uri.TryCreate(storage, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':', StringComparison.Ordinal))
            return storage.Replace(uri.UserInfo, uri.UserInfo[..uri.UserInfo.IndexOf(':', StringComparison.Ordinal)] + ":***", StringComparison.Ordinal);
        if (IsUri(storage)) return storage;
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(storage) { Password = null };
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(PostgreSQL)";
        }
    }

    private static StudyStoreException Bad(string storage, string why) =>
        new($"--storage '{Describe(storage)}' is not a PostgreSQL URI: {why}");
}
