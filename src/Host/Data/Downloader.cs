using System.IO.Compression;
using System.Security.Cryptography;

namespace Qnn.Host.Data;

/// <summary>
/// Downloads a data file with a progress line, checks its SHA-256 and writes it atomically (a
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
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            long received = 0;
            var lastReport = -1L;
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                buffer.Write(chunk, 0, read);
                received += read;
                lastReport = Report(name, received, length, lastReport);
            }
            if (interactive)
                progress.WriteLine();
            if (length is { } expected && received != expected)
                throw new DataException($"{url}: download of {name} was interrupted after {received:N0} of {expected:N0} bytes");
            return buffer.ToArray();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            throw new DataException($"{url}: download of {name} failed: {e.Message}", e);
        }
    }

    /// <summary>Writes progress: a redrawn bar on a terminal, a line per 25% otherwise.</summary>
    private long Report(string name, long received, long? length, long lastReport)
    {
        if (length is not { } total || total <= 0)
            return lastReport;
        var percent = received * 100 / total;
        if (interactive)
        {
            if (percent == lastReport) return lastReport;
            var filled = (int)(percent / 5);
            progress.Write($"\rdownloading {name} [{new string('#', filled)}{new string('-', 20 - filled)}] {percent,3}% {received / 1e6:F1}/{total / 1e6:F1} MB");
            return percent;
        }
        var quarter = percent / 25;
        if (quarter == lastReport) return lastReport;
        progress.WriteLine($"downloading {name}: {percent}% of {total / 1e6:F1} MB");
        return quarter;
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
