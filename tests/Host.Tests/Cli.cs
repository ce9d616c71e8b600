using Xunit;
using Qnn.Host.Cli;
using Qnn.Tests.Support;

namespace Qnn.Host.Tests;

/// <summary>Runs qnn in process, as a user would from a shell, and captures what it prints.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error);

public static class Cli
{
    /// <summary>The real data the tests read: QNN_DATA_DIR when set (an override), else the
    /// repository's own data folder (data/README.md), which a fresh clone has.</summary>
    public static string DataRoot
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("QNN_DATA_DIR");
            return string.IsNullOrEmpty(fromEnvironment) ? RepositoryData : fromEnvironment;
        }
    }

    /// <summary>The repository's data folder.</summary>
    public static string RepositoryData => Path.Combine(RepositoryRoot, "data");

    /// <summary>The data root holding these files. A missing file skips the test, naming where it
    /// comes from, unless QNN_REQUIRE_DATA=1 (CI), where it fails.</summary>
    public static string RequireData(params string[] relativeFiles)
    {
        var root = DataRoot;
        var missing = relativeFiles.Where(f => !File.Exists(Path.Combine(root, f))).ToArray();
        if (missing.Length == 0)
            return root;
        var message = $"data missing: {string.Join(", ", missing)} under {root} (QNN_DATA_DIR, else the repository's data/)";
        if (Prerequisite.Required)
            throw new InvalidOperationException(message + " (QNN_REQUIRE_DATA=1)");
        Skip.If(true, message);
        return root;
    }

    /// <summary>Runs `qnn args` with QNN_DATA_DIR = <paramref name="dataDir"/> and a private cache.</summary>
    public static CliResult Run(string? dataDir, params string[] args) =>
        RunWith(new Dictionary<string, string?>
        {
            ["QNN_DATA_DIR"] = dataDir,
            ["XDG_CACHE_HOME"] = Path.Combine(Path.GetTempPath(), "qnn-test-cache-" + Environment.ProcessId),
            ["HOME"] = Path.GetTempPath(),
        }, null, args);

    /// <summary>Runs `qnn args` with exactly this environment (QNN_DATA_DIR, XDG_CACHE_HOME, HOME)
    /// and, when given, this HTTP client for downloads.</summary>
    public static CliResult RunWith(IReadOnlyDictionary<string, string?> environment, Func<HttpClient>? http, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = new QnnApp(new Terminal(output, error, Interactive: false), http, environment).Run(args);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>The repository's root (the folder with Dsl.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Dsl.sln")))
                directory = directory.Parent;
            return directory?.FullName ?? throw new InvalidOperationException("Dsl.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
