using Qnn.Search.Storage;
using Xunit;

namespace Qnn.Search.Tests;

/// <summary>The study-store contract on PostgreSQL, in the database QNN_TEST_POSTGRES names
/// (`eval "$(bash .ci/postgres.sh)"` starts a throwaway one). Without it the tests skip, or fail
/// when QNN_REQUIRE_DATA=1 (CI), so CI cannot pass without testing PostgreSQL.</summary>
public sealed class StorePostgresTests : StoreContractTests
{
    protected override string Storage
    {
        get
        {
            var uri = Environment.GetEnvironmentVariable("QNN_TEST_POSTGRES");
            if (string.IsNullOrEmpty(uri))
            {
                const string Why = "a test PostgreSQL (QNN_TEST_POSTGRES is not set) is missing: install Debian's postgresql (eval \"$(bash .ci/postgres.sh)\" does)";
                if (Environment.GetEnvironmentVariable("QNN_REQUIRE_DATA") == "1") throw new InvalidOperationException(Why);
                Skip.If(true, Why);
            }
            return uri!;
        }
    }

    [SkippableFact]
    public void The_uri_opens_a_PostgreSQL_store()
    {
        using var store = StudyStores.Open(Storage);
        Assert.IsType<PostgresStudyStore>(store);
    }

    [Fact]
    public void An_unreachable_server_is_a_StudyStoreException_naming_the_storage()
    {
        const string Dead = "postgresql://nobody@127.0.0.1:1/nothing?connect_timeout=2";
        var e = Assert.Throws<StudyStoreException>(() => StudyStores.Open(Dead));
        Assert.Contains(Dead, e.Message, StringComparison.Ordinal);
    }
}
