using Xunit;

namespace Qnn.Tests.Support;

/// <summary>What a test needs from outside the repository (a Debian package's tool or data, a test
/// database). Missing, the test skips with a reason naming the Debian package that brings it; with
/// QNN_REQUIRE_DATA=1 (CI, whose .ci/ scripts install everything) it fails instead.</summary>
public static class Prerequisite
{
    public static bool Required => Environment.GetEnvironmentVariable("QNN_REQUIRE_DATA") == "1";

    /// <summary>Skips (or, under QNN_REQUIRE_DATA=1, fails) because <paramref name="what"/> is missing.</summary>
    public static void Missing(string what, string debianPackage, string installedBy)
    {
        var message = $"{what} is missing: install Debian's {debianPackage} ({installedBy} does)";
        if (Required)
            throw new InvalidOperationException(message + " (QNN_REQUIRE_DATA=1)");
        Skip.If(true, message);
    }

    /// <summary>The Fashion-MNIST folder of Debian's dataset-fashion-mnist, where qnn finds it.</summary>
    public static void FashionMnist()
    {
        if (!File.Exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
            Missing("/usr/share/datasets/fashion-mnist", "dataset-fashion-mnist", ".ci/run");
    }

    /// <summary>The PostgreSQL that QNN_TEST_POSTGRES names.</summary>
    public static string Postgres()
    {
        var url = Environment.GetEnvironmentVariable("QNN_TEST_POSTGRES");
        if (string.IsNullOrEmpty(url))
            Missing("a test PostgreSQL (QNN_TEST_POSTGRES is not set)", "postgresql", "eval \"$(bash .ci/postgres.sh)\"");
        return url!;
    }
}
