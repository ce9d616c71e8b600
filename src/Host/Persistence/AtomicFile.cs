using System.Diagnostics;
using System.Globalization;

namespace Qnn.Host.Persistence;

/// <summary>
/// Writes a file under a temporary name beside it and renames it: never half a file. The
/// temporary name carries the writer's process id (<c>.NAME.tmp-PID-RANDOM.EXT</c>), so a write
/// can remove the temporaries that killed writers of the same target left behind, and never one
/// that a live process is still writing.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, byte[] content) => Write(path, temporary => File.WriteAllBytes(temporary, content));

    public static void Write(string path, Action<string> writeTemporary)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        RemoveStaleTemporaries(full);
        var temporary = TemporaryName(full);
        try
        {
            writeTemporary(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    /// <summary>A fresh temporary name beside <paramref name="full"/>, owned by this process.</summary>
    public static string TemporaryName(string full) =>
        Path.Combine(Path.GetDirectoryName(full)!, string.Create(CultureInfo.InvariantCulture,
            $"{TemporaryPrefix(full)}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}{Path.GetExtension(full)}"));

    private static string TemporaryPrefix(string full) => "." + Path.GetFileName(full) + ".tmp-";

    /// <summary>Deletes the temporaries of <paramref name="full"/> whose writing process is gone.</summary>
    public static void RemoveStaleTemporaries(string full)
    {
        var folder = Path.GetDirectoryName(full)!;
        var prefix = TemporaryPrefix(full);
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(folder, prefix + "*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var candidate in candidates)
        {
            var rest = Path.GetFileName(candidate)[prefix.Length..];
            var dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || IsAlive(pid))
                continue;
            try
            {
                File.Delete(candidate);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another writer's clean-up got there first, or the folder went read-only: harmless.
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId)
            return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
