using Qnn.Host.Cli;

namespace Qnn.Host.Persistence;

/// <summary>
/// Checks, before any work starts, that every result a command will write can be written: its
/// folder exists or can be created, and a temporary file can be created and renamed there. A
/// path that is a directory, two outputs on one path, or an output on one of the command's
/// inputs is a usage error (exit 2) naming the flags, so no training is lost to a typo.
/// </summary>
public static class OutputPaths
{
    /// <param name="outputs">Each output flag with its path (null when not given).</param>
    /// <param name="inputs">Each input flag with its path, which no output may overwrite.</param>
    public static void Check(IEnumerable<(string Flag, string? Path)> outputs, IEnumerable<(string Flag, string? Path)>? inputs = null)
    {
        var given = outputs.Where(o => o.Path is not null).Select(o => (o.Flag, o.Path, Full: FullPath(o.Flag, o.Path!))).ToList();
        foreach (var group in given.GroupBy(o => o.Full, StringComparer.Ordinal).Where(g => g.Count() > 1))
            throw new UsageException($"{string.Join(" and ", group.Select(o => o.Flag))} name the same file {group.First().Path}; each result needs its own path");
        foreach (var (flag, path) in inputs ?? Enumerable.Empty<(string, string?)>())
        {
            if (path is null)
                continue;
            var clash = given.FirstOrDefault(o => o.Full == FullPath(flag, path));
            if (clash.Flag is not null)
                throw new UsageException($"{clash.Flag} {clash.Path} would overwrite {flag} {path}; write the result to another path");
        }
        foreach (var (flag, path, full) in given)
            CheckWritable(flag, path!, full);
    }

    private static string FullPath(string flag, string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"{flag} {path}: not a usable path ({e.Message})");
        }
    }

    private static void CheckWritable(string flag, string path, string full)
    {
        if (Directory.Exists(full))
            throw new UsageException($"{flag} {path}: is a directory; give a file name");
        var folder = Path.GetDirectoryName(full)!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{flag} {path}: cannot create its folder {folder} ({e.Message})");
        }
        var probe = AtomicFile.TemporaryName(full);
        var renamed = AtomicFile.TemporaryName(full);
        try
        {
            File.WriteAllBytes(probe, Array.Empty<byte>());
            File.Move(probe, renamed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{flag} {path}: cannot write in {folder} ({e.Message})");
        }
        finally
        {
            TryDelete(probe);
            TryDelete(renamed);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path))
                File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The probe is empty and carries our process id: the next write removes it.
        }
    }
}
