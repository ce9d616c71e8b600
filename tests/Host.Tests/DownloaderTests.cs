using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Qnn.Host.Data;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>Downloads from a local HTTP server on 127.0.0.1: a good file lands under its name, and
/// a wrong checksum, a server error or an interrupted transfer leave nothing behind.</summary>
public sealed class DownloaderTests : IDisposable
{
    private static readonly byte[] Payload = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 31 % 251)).ToArray();
    private readonly HttpListener listener = new();
    private readonly string baseUrl;
    private readonly Task serving;
    private readonly string cache = Directory.CreateTempSubdirectory("qnn-download-").FullName;

    public DownloaderTests()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        baseUrl = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(baseUrl);
        listener.Start();
        serving = Task.Run(Serve);
    }

    private async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var response = context.Response;
            switch (context.Request.Url!.AbsolutePath)
            {
                case "/data.gz":
                    response.ContentLength64 = Payload.Length;
                    await response.OutputStream.WriteAsync(Payload);
                    response.Close();
                    break;
                case "/archive.zip":
                    var zip = Zip("column_3C.dat", Payload);
                    response.ContentLength64 = zip.Length;
                    await response.OutputStream.WriteAsync(zip);
                    response.Close();
                    break;
                case "/interrupted.gz":
                    response.ContentLength64 = Payload.Length;
                    await response.OutputStream.WriteAsync(Payload.AsMemory(0, Payload.Length / 2));
                    await response.OutputStream.FlushAsync();
                    response.Abort();
                    break;
                default:
                    response.StatusCode = 500;
                    response.Close();
                    break;
            }
        }
    }

    private static byte[] Zip(string name, byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry("data/" + name).Open();
            entry.Write(content);
        }
        return buffer.ToArray();
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private (Downloader Downloader, StringWriter Progress) Create()
    {
        var progress = new StringWriter();
        return (new Downloader(new HttpClient { Timeout = TimeSpan.FromSeconds(20) }, progress, interactive: false), progress);
    }

    private string Destination => Path.Combine(cache, "mnist", "data.gz");

    [Fact]
    public void A_good_file_is_checked_and_written_under_its_name()
    {
        var (downloader, progress) = Create();
        downloader.Download(new RemoteFile("data.gz", baseUrl + "data.gz", Sha256(Payload)), Destination);
        Assert.Equal(Payload, File.ReadAllBytes(Destination));
        Assert.Equal(new[] { Destination }, Directory.GetFiles(Path.GetDirectoryName(Destination)!));
        Assert.Contains("downloading data.gz: 100% of 0.2 MB", progress.ToString());
    }

    [Fact]
    public void On_a_terminal_the_download_shows_a_spectre_bar()
    {
        var progress = WithTerm("xterm-256color", () => Download(interactive: true));
        Assert.Equal(Payload, File.ReadAllBytes(Destination));
        Assert.Contains("downloading data.gz", progress);
        Assert.Contains("100%", progress);
        Assert.DoesNotContain("downloading data.gz: 25%", progress);
    }

    [Fact]
    public void On_a_terminal_without_ansi_support_the_download_prints_lines()
    {
        // With TERM unset Spectre detects no ANSI, and a live bar would print nothing at all.
        var progress = WithTerm(null, () => Download(interactive: true));
        Assert.Equal(Payload, File.ReadAllBytes(Destination));
        Assert.Contains("downloading data.gz: 100% of 0.2 MB", progress);
    }

    private string Download(bool interactive)
    {
        var progress = new StringWriter();
        var downloader = new Downloader(new HttpClient { Timeout = TimeSpan.FromSeconds(20) }, progress, interactive);
        downloader.Download(new RemoteFile("data.gz", baseUrl + "data.gz", Sha256(Payload)), Destination);
        return progress.ToString();
    }

    /// <summary>Runs <paramref name="run"/> with TERM set to <paramref name="term"/> (null: unset),
    /// then restores it (the host's tests run one at a time).</summary>
    private static string WithTerm(string? term, Func<string> run)
    {
        var saved = Environment.GetEnvironmentVariable("TERM");
        Environment.SetEnvironmentVariable("TERM", term);
        try
        {
            return run();
        }
        finally
        {
            Environment.SetEnvironmentVariable("TERM", saved);
        }
    }

    [Fact]
    public void A_file_inside_a_zip_archive_is_extracted_and_checked()
    {
        var (downloader, _) = Create();
        var destination = Path.Combine(cache, "vertebral", "column_3C.dat");
        downloader.Download(new RemoteFile("column_3C.dat", baseUrl + "archive.zip", Sha256(Payload), ZipEntry: "column_3C.dat"), destination);
        Assert.Equal(Payload, File.ReadAllBytes(destination));
    }

    [Fact]
    public void A_wrong_checksum_keeps_nothing()
    {
        var (downloader, _) = Create();
        var error = Assert.Throws<DataException>(() =>
            downloader.Download(new RemoteFile("data.gz", baseUrl + "data.gz", new string('0', 64)), Destination));
        Assert.Contains("checksum mismatch for data.gz", error.Message);
        Assert.Contains(Sha256(Payload), error.Message);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(Destination)!));
    }

    [Fact]
    public void A_server_error_keeps_nothing()
    {
        var (downloader, _) = Create();
        var error = Assert.Throws<DataException>(() =>
            downloader.Download(new RemoteFile("data.gz", baseUrl + "missing.gz", Sha256(Payload)), Destination));
        Assert.Contains("download of data.gz failed: HTTP 500", error.Message);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(Destination)!));
    }

    [Fact]
    public void An_interrupted_transfer_keeps_nothing()
    {
        var (downloader, _) = Create();
        var error = Assert.Throws<DataException>(() =>
            downloader.Download(new RemoteFile("data.gz", baseUrl + "interrupted.gz", Sha256(Payload)), Destination));
        Assert.Contains(baseUrl + "interrupted.gz", error.Message);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(Destination)!));
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        serving.Wait(TimeSpan.FromSeconds(5));
        Directory.Delete(cache, recursive: true);
    }
}
