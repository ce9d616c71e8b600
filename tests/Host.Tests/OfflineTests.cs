using Qnn.Host.Data;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>The main job on a fresh machine: no data directory, an empty home, no network. The
/// vertebral table built into the program (from the repository's data/vertebral) trains, and
/// standard error says, in one line, that the built-in copy was used.</summary>
public class OfflineTests
{
    private static Dictionary<string, string?> EmptyMachine()
    {
        var home = Directory.CreateTempSubdirectory("qnn-empty-home-").FullName;
        return new Dictionary<string, string?> { ["QNN_DATA_DIR"] = "", ["XDG_CACHE_HOME"] = "", ["HOME"] = home };
    }

    /// <summary>An HTTP client that fails the test if anything asks it for a download.</summary>
    private static HttpClient NoNetwork() => new(new RefusingHandler());

    [Fact]
    public void Train_offline_with_no_data_anywhere_uses_the_built_in_table_and_says_so()
    {
        var result = Cli.RunWith(EmptyMachine(), NoNetwork, "train", "--offline", "--epochs", "3");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("training VertebralMlp on vertebral (248 train, 62 test samples): 3 epochs", result.Output);
        Assert.Contains("epoch 3/3", result.Output);
        var lines = result.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("qnn: data set 'vertebral' is in none of the data folders (user cache ", lines[0]);
        Assert.EndsWith("; using the copy built into qnn (UCI's column_3C.dat, SHA-256 checked when qnn was built)", lines[0]);
    }

    [Fact]
    public void Without_offline_the_built_in_table_is_used_without_asking_the_network()
    {
        var result = Cli.RunWith(EmptyMachine(), NoNetwork, "train", "--epochs", "2");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.DoesNotContain("download", result.Error);
        Assert.Contains("using the copy built into qnn", result.Error);
        Assert.Contains("training VertebralMlp on vertebral (248 train, 62 test samples)", result.Output);
    }

    [Fact]
    public void A_data_dir_without_the_table_is_named_in_the_line_that_says_the_copy_is_used()
    {
        var empty = Directory.CreateTempSubdirectory("qnn-empty-data-").FullName;
        var result = Cli.RunWith(EmptyMachine(), NoNetwork, "train", "--data-dir", empty, "--offline", "--epochs", "1");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"qnn: data set 'vertebral' is in none of the data folders (--data-dir {empty}, user cache ", result.Error);
    }

    [Fact]
    public void A_folder_that_has_the_table_is_used_silently()
    {
        var result = Cli.RunWith(EmptyMachine(), NoNetwork, "train", "--data-dir", Cli.RepositoryData, "--offline", "--epochs", "1");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void The_built_in_table_is_the_repository_file()
    {
        var (features, labels) = VertebralReader.Parse(EmbeddedVertebral.Lines(), "embedded");
        var (fileFeatures, fileLabels) = VertebralReader.Read(Path.Combine(Cli.RepositoryData, "vertebral", "column_3C.dat"));
        Assert.Equal(310, labels.Length);
        Assert.Equal(fileLabels, labels);
        Assert.Equal(fileFeatures, features);
        Assert.Equal(new[] { 60, 100, 150 }, labels.GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()).ToArray());
        Assert.Equal(63.03f, features[0]);
    }

    [Fact]
    public void Datasets_shows_the_built_in_source_and_credits_uci()
    {
        var result = Cli.RunWith(EmptyMachine(), null, "datasets");
        Assert.Equal(0, result.ExitCode);
        var vertebral = result.Output.Split(Environment.NewLine).First(l => l.StartsWith("vertebral ", StringComparison.Ordinal));
        Assert.Matches(@"^vertebral +embedded +310 rows: 248 train, 62 test +UCI Vertebral Column", vertebral);
        Assert.Contains("vertebral: not in any folder; the copy built into qnn is used (UCI's column_3C.dat, SHA-256 checked when qnn was built)", result.Output);
        Assert.Contains("vertebral: Vertebral Column (id 212) by G. Barreto and A. Neto, UCI Machine Learning Repository, https://archive.ics.uci.edu/dataset/212, licensed CC BY 4.0", result.Output);
    }

    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new Xunit.Sdk.XunitException($"no network in this test, but qnn asked for {request.RequestUri}");

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromException<HttpResponseMessage>(new Xunit.Sdk.XunitException($"no network in this test, but qnn asked for {request.RequestUri}"));
    }
}
