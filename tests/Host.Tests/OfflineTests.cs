using Qnn.Host.Data;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>The main job on a fresh machine: no data directory, an empty home, no network. The
/// vertebral table embedded at build time (when the build found it) trains.</summary>
public class OfflineTests
{
    private static Dictionary<string, string?> EmptyMachine()
    {
        var home = Directory.CreateTempSubdirectory("qnn-empty-home-").FullName;
        return new Dictionary<string, string?> { ["QNN_DATA_DIR"] = "", ["XDG_CACHE_HOME"] = "", ["HOME"] = home };
    }

    /// <summary>A build on CI or a dev machine (where ../shared/data exists) must have embedded the table.</summary>
    private static void RequireEmbedded()
    {
        if (Environment.GetEnvironmentVariable("QNN_REQUIRE_DATA") == "1" || Cli.SharedData is not null)
            Assert.True(EmbeddedVertebral.Available, "the vertebral table was not embedded although the build machine has it");
    }

    [Fact]
    public void Train_offline_with_no_data_anywhere_uses_the_embedded_table()
    {
        RequireEmbedded();
        var result = Cli.RunWith(EmptyMachine(), () => throw new InvalidOperationException("no network in this test"), "train", "--offline", "--epochs", "3");
        if (!EmbeddedVertebral.Available)
        {
            Assert.Equal(3, result.ExitCode);
            Assert.Contains("not embedded in this build", result.Error);
            return;
        }
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("training VertebralMlp on vertebral (248 train, 62 test samples): 3 epochs", result.Output);
        Assert.Contains("epoch 3/3", result.Output);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void The_embedded_table_splits_like_the_file()
    {
        RequireEmbedded();
        Skip.IfNot(EmbeddedVertebral.Available, EmbeddedVertebral.NotEmbedded);
        var (features, labels) = VertebralReader.Parse(EmbeddedVertebral.Lines(), "embedded");
        Assert.Equal(310, labels.Length);
        Assert.Equal(310 * 6, features.Length);
        Assert.Equal(new[] { 60, 100, 150 }, labels.GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()).ToArray());
        Assert.Equal(63.03f, features[0]);
    }

    [Fact]
    public void A_failed_download_falls_back_to_the_embedded_table()
    {
        RequireEmbedded();
        Skip.IfNot(EmbeddedVertebral.Available, EmbeddedVertebral.NotEmbedded);
        var refused = new HttpClient(new RefusingHandler());
        var result = Cli.RunWith(EmptyMachine(), () => refused, "train", "--epochs", "2");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("download of column_3C.dat failed", result.Error);
        Assert.Contains("using the embedded copy", result.Error);
        Assert.Contains("training VertebralMlp on vertebral (248 train, 62 test samples)", result.Output);
    }

    [Fact]
    public void Datasets_shows_the_embedded_source_and_credits_uci()
    {
        RequireEmbedded();
        var result = Cli.RunWith(EmptyMachine(), null, "datasets");
        Assert.Equal(0, result.ExitCode);
        var vertebral = result.Output.Split(Environment.NewLine).First(l => l.StartsWith("vertebral ", StringComparison.Ordinal));
        if (EmbeddedVertebral.Available)
        {
            Assert.Matches(@"^vertebral +embedded +310 rows: 248 train, 62 test +UCI Vertebral Column", vertebral);
            Assert.Contains("vertebral: not in any folder; the embedded copy is used", result.Output);
        }
        else
        {
            Assert.Matches("^vertebral +not found", vertebral);
            Assert.Contains("not embedded in this build", result.Output);
        }
        Assert.Contains("vertebral: Vertebral Column (id 212) by G. Barreto and A. Neto, UCI Machine Learning Repository, https://archive.ics.uci.edu/dataset/212, licensed CC BY 4.0", result.Output);
    }

    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("Name or service not known (archive.ics.uci.edu:443)");

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromException<HttpResponseMessage>(new HttpRequestException("Name or service not known (archive.ics.uci.edu:443)"));
    }
}
