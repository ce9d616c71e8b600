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

    /// <summary>Writes <paramref name="path"/> (through a symlink, to the file it names). Folders
    /// it has to create are removed again when the write fails. A device or FIFO is written
    /// through only when <paramref name="throughStreams"/> (a flag that stands in for standard
    /// output); otherwise it is an <see cref="IOException"/>, never replaced.</summary>
    public static void Write(string path, Action<string> writeTemporary, bool throughStreams = false)
    {
        var target = OutputTarget.Of(Path.GetFullPath(path));
        if (target.IsStream)
        {
            if (!throughStreams)
                throw new IOException($"{path} is {target.StreamKind}; a result is not renamed onto it");
            writeTemporary(target.Path);
            return;
        }
        var full = target.Path;
        var created = CreateFolders(Path.GetDirectoryName(full)!);
        RemoveStaleTemporaries(full);
        var temporary = TemporaryName(full);
        var done = false;
        try
        {
            writeTemporary(temporary);
            File.Move(temporary, full, overwrite: true);
            done = true;
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
            if (!done)
                RemoveFolders(created);
        }
    }

    /// <summary>Creates <paramref name="folder"/> and its missing parents; the ones it created, deepest first.</summary>
    private static List<string> CreateFolders(string folder)
    {
        var missing = new List<string>();
        for (var f = folder; !string.IsNullOrEmpty(f) && !Directory.Exists(f); f = Path.GetDirectoryName(f))
            missing.Add(f);
        Directory.CreateDirectory(folder);
        return missing;
    }

    /// <summary>Removes folders this write created, where they are still empty.</summary>
    private static void RemoveFolders(List<string> created)
    {
        foreach (var folder in created)
        {
            try
            {
                if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                    Directory.Delete(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process put something there, or the disk went read-only: leave it.
            }
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
