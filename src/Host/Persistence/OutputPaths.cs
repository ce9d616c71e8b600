using Qnn.Host.Cli;

namespace Qnn.Host.Persistence;

/// <summary>
/// Checks, before any work starts, that every result a command will write can be written and
/// harms nothing: the path names a file (not a folder, not a path ending in a separator), its
/// folder exists or can be created, and a temporary file can be created and renamed there; a
/// symlink is followed to the file it names; a device, FIFO or socket is refused (the rename
/// would replace it) unless the flag writes a stream (<paramref name="streams"/>); two outputs on
/// one file, or an output on one of the command's inputs, is refused. Each is a usage error
/// (exit 2) naming the flag, so no training is lost to a typo. Nothing is created: a folder that
/// does not exist yet is made when the result is written (<see cref="AtomicFile"/>).
/// </summary>
public static class OutputPaths
{
    /// <param name="outputs">Each output flag with its path (null when not given).</param>
    /// <param name="inputs">Each input flag with its path, which no output may overwrite.</param>
    /// <param name="streams">The output flags that may write through to a device or FIFO (as standard output would).</param>
    public static void Check(IEnumerable<(string Flag, string? Path)> outputs, IEnumerable<(string Flag, string? Path)>? inputs = null,
        IReadOnlyCollection<string>? streams = null)
    {
        var given = outputs.Where(o => o.Path is not null).Select(o => (o.Flag, Path: o.Path!, Target: TargetOf(o.Flag, o.Path!))).ToList();
        foreach (var group in given.GroupBy(o => o.Target.Path, StringComparer.Ordinal).Where(g => g.Count() > 1))
            throw new UsageException($"{string.Join(" and ", group.Select(o => o.Flag))} name the same file {group.First().Path}; each result needs its own path");
        foreach (var (flag, path) in inputs ?? Enumerable.Empty<(string, string?)>())
        {
            if (path is null)
                continue;
            var input = InputPath(path);
            var clash = given.FirstOrDefault(o => o.Target.Path == input);
            if (clash.Flag is not null)
                throw new UsageException($"{clash.Flag} {clash.Path} would overwrite {flag} {path}; write the result to another path");
        }
        foreach (var (flag, path, target) in given)
        {
            if (target.IsStream)
            {
                if (streams?.Contains(flag) != true)
                    throw new UsageException($"{flag} {path}: {target.StreamKind}, not a regular file; qnn writes a result beside its path and renames it into place, which would replace it; give a file name");
                continue;
            }
            CheckWritable(flag, path, target.Path);
        }
    }

    /// <summary>Where an output flag's path writes; a usage error for a path that names no file.</summary>
    private static OutputTarget TargetOf(string flag, string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException($"{flag}: an empty path; give a file name");
        if (path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar))
            throw new UsageException($"{flag} {path}: names a folder (it ends in {path[^1]}); give a file name");
        try
        {
            return OutputTarget.Of(Path.GetFullPath(path));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"{flag} {path}: not a usable path ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{flag} {path}: cannot be followed ({e.Message})");
        }
    }

    /// <summary>An input's file as outputs are compared with it: its final target.</summary>
    private static string InputPath(string path)
    {
        try
        {
            return OutputTarget.Of(Path.GetFullPath(path)).Path;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            return path;
        }
    }

    private static void CheckWritable(string flag, string path, string full)
    {
        if (Directory.Exists(full))
            throw new UsageException($"{flag} {path}: is a directory; give a file name");
        var folder = Path.GetDirectoryName(full)!;
        // The nearest folder that exists: it must take the new folders (and, if it is the folder, the file).
        var existing = folder;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
                throw new UsageException($"{flag} {path}: cannot create its folder {folder} ({existing} is a file)");
            existing = Path.GetDirectoryName(existing) ?? throw new UsageException($"{flag} {path}: no folder of it exists");
        }
        var probe = AtomicFile.TemporaryName(Path.Combine(existing, Path.GetFileName(full)));
        var renamed = AtomicFile.TemporaryName(Path.Combine(existing, Path.GetFileName(full)));
        try
        {
            File.WriteAllBytes(probe, Array.Empty<byte>());
            File.Move(probe, renamed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException(existing == folder
                ? $"{flag} {path}: cannot write in {folder} ({e.Message})"
                : $"{flag} {path}: cannot create its folder {folder} in {existing} ({e.Message})");
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
