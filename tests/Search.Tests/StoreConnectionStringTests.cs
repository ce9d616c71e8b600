using Npgsql;
using Qnn.Search.Storage;
using Xunit;

namespace Qnn.Search.Tests;

/// <summary>--storage postgresql://… as an Npgsql connection string.</summary>
public sealed class StoreConnectionStringTests
{
    private static NpgsqlConnectionStringBuilder Parse(string storage) => new(PostgresConnectionString.From(storage));

    [Fact]
    public void A_full_uri_gives_every_part()
    {
        var b = Parse("postgresql://qnn:s%40cret@db.example.org:6543/my%20studies?sslmode=require&connect_timeout=7&application_name=qnn");
        Assert.Equal(("db.example.org", 6543, "qnn", "s@cret", "my studies"), (b.Host, b.Port, b.Username, b.Password, b.Database));
        Assert.Equal((SslMode.Require, 7, "qnn"), (b.SslMode, b.Timeout, b.ApplicationName));
    }

    [Fact]
    public void A_short_uri_takes_the_defaults()
    {
        var b = Parse("postgres://localhost");
        Assert.Equal(("localhost", 5432, (string?)null, (string?)null), (b.Host, b.Port, b.Username, b.Database));
        var c = Parse("postgresql://postgres@127.0.0.1:54329/qnn_test");
        Assert.Equal(("127.0.0.1", 54329, "postgres", "qnn_test"), (c.Host, c.Port, c.Username, c.Database));
        Assert.Equal("::1", Parse("postgresql://[::1]:5433/db").Host);
        Assert.Equal(SslMode.VerifyFull, Parse("postgresql://h/d?sslmode=verify-full").SslMode);
    }

    [Fact]
    public void A_key_value_string_passes_through()
    {
        var b = Parse("Host=db;Port=5440;Username=u;Database=d");
        Assert.Equal(("db", 5440, "u", "d"), (b.Host, b.Port, b.Username, b.Database));
    }

    [Theory]
    [InlineData("postgresql://h/d?frobnicate=1", "unknown parameter 'frobnicate'")]
    [InlineData("postgresql://h/d?sslmode=sometimes", "sslmode 'sometimes'")]
    [InlineData("postgresql://h/d?connect_timeout=soon", "connect_timeout 'soon'")]
    [InlineData("postgresql://h/d?sslmode", "has no value")]
    [InlineData("postgresql://h/a/b", "cannot contain '/'")]
    [InlineData("postgresql://", "expected postgresql://")]
    [InlineData("Host=db;Frobnicate=1", "not a PostgreSQL connection string")]
    public void A_malformed_storage_is_a_StudyStoreException_saying_what_is_wrong(string storage, string why)
    {
        var e = Assert.Throws<StudyStoreException>(() => PostgresConnectionString.From(storage));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_never_show_the_password()
    {
        Assert.Equal("postgresql://qnn:***@db/x", PostgresConnectionString.Describe("postgresql://qnn:hunter2@db/x"));
        Assert.DoesNotContain("hunter2", PostgresConnectionString.Describe("Host=db;Password=hunter2"), StringComparison.Ordinal);
        var e = Assert.Throws<StudyStoreException>(() => PostgresConnectionString.From("postgresql://qnn:hunter2@db/x?bad=1"));
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }
}
