using System.IO.Compression;
using System.Security.Cryptography;
using Spectre.Console;

namespace Qnn.Host.Data;

/// <summary>
/// Downloads a data file with progress (a Spectre bar on a terminal that draws in place, a line per 25% elsewhere), checks its SHA-256 and writes it atomically (a
/// temporary name in the target folder, renamed when complete). A failed, interrupted or
/// mismatching download leaves nothing behind and raises a <see cref="DataException"/>.
/// </summary>
public sealed class Downloader(HttpClient client, TextWriter progress, bool interactive)
{
    public void Download(RemoteFile file, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var content = Fetch(file.Url, file.Name);
        if (file.ZipEntry is not null)
            content = Extract(content, file);
        var actual = Convert.ToHexStringLower(SHA256.HashData(content));
        if (!string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new DataException($"{file.Url}: checksum mismatch for {file.Name} (SHA-256 {actual}, expected {file.Sha256}); the file was not kept");
        Persistence.AtomicFile.WriteAllBytes(destination, content);
    }

    private byte[] Fetch(string url, string name)
    {
        try
        {
            using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode)
                throw new DataException($"{url}: download of {name} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            var length = response.Content.Headers.ContentLength;
            using var stream = response.Content.ReadAsStream();
            var content = interactive && Ansi() is { } console ? WithBar(console, stream, name, length) : WithLines(stream, name, length);
            if (length is { } expected && content.Length != expected)
                throw new DataException($"{url}: download of {name} was interrupted after {content.Length:N0} of {expected:N0} bytes");
            return content;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            throw new DataException($"{url}: download of {name} failed: {e.Message}", e);
        }
    }

    /// <summary>The terminal's Spectre console where it draws in place, or null: without ANSI
    /// support (TERM unset, say) a live bar prints nothing at all, so lines are shown instead.</summary>
    private IAnsiConsole? Ansi()
    {
        var console = new Cli.Terminal(progress, progress, Interactive: true).Ansi(progress);
        return console.Profile.Capabilities.Ansi ? console : null;
    }

    /// <summary>On a terminal: a Spectre bar with bytes and speed.</summary>
    private static byte[] WithBar(IAnsiConsole console, Stream stream, string name, long? length) =>
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .Start(context =>
            {
                var task = context.AddTask($"downloading {Markup.Escape(name)}", maxValue: length ?? 1);
                task.IsIndeterminate = length is null;
                var content = Read(stream, received => task.Value = length is null ? 0 : received);
                task.StopTask();
                return content;
            });

    /// <summary>Elsewhere: a line per 25%.</summary>
    private byte[] WithLines(Stream stream, string name, long? length)
    {
        var lastQuarter = -1L;
        return Read(stream, received =>
        {
            if (length is not { } total || total <= 0)
                return;
            var percent = received * 100 / total;
            if (percent / 25 == lastQuarter)
                return;
            lastQuarter = percent / 25;
            progress.WriteLine($"downloading {name}: {percent}% of {total / 1e6:F1} MB");
        });
    }

    private static byte[] Read(Stream stream, Action<long> received)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            received(buffer.Length);
        }
        return buffer.ToArray();
    }

    private static byte[] Extract(byte[] archive, RemoteFile file)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
            var entry = zip.Entries.FirstOrDefault(e => e.Name == file.ZipEntry)
                ?? throw new DataException($"{file.Url}: the archive has no {file.ZipEntry}");
            using var stream = entry.Open();
            using var output = new MemoryStream();
            stream.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataException($"{file.Url}: not a readable zip archive ({e.Message})", e);
        }
    }
}
