using Qnn.Host.Data;

namespace Qnn.Host.Persistence;

/// <summary>
/// Opens a file a flag names for reading, treating it as hostile: an empty path, a folder, a
/// device, a FIFO or socket (which may never end), a symlink loop, a file this user may not read
/// and a file larger than the reader's limit are refused with a <see cref="DataException"/>
/// (exit 3) that names the flag, the file and the rule, before anything is read.
/// </summary>
public static class InputFile
{
    /// <summary>The file, checked; <paramref name="maxBytes"/> bounds its length.</summary>
    public static FileInfo Check(string flag, string path, long maxBytes)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new DataException($"{flag}: an empty path; give a file");
        FileInfo file;
        try
        {
            file = new FileInfo(path);
            // A symlink is followed to its end: a loop (or a dangling link) is an error here, not a crash later.
            if (file.LinkTarget is not null && file.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                file = new FileInfo(target.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new DataException($"{flag} {path}: cannot be resolved ({e.Message})");
        }
        if (Directory.Exists(file.FullName))
            throw new DataException($"{flag} {path}: a directory, not a file");
        if (!file.Exists)
            throw new DataException($"{flag} {path}: no such file");
        var kind = UnixFileType.Of(file.FullName);
        if (kind is not (UnixFileType.Kind.Regular or UnixFileType.Kind.Unknown))
            throw new DataException($"{flag} {path}: {Describe(kind)}, not a regular file (its reads may never end); give a file");
        if (file.Length > maxBytes)
            throw new DataException($"{flag} {path}: {file.Length:N0} bytes, more than the {maxBytes:N0} this reader takes");
        return file;
    }

    /// <summary>The whole file as bytes, within <paramref name="maxBytes"/>.</summary>
    public static byte[] ReadAllBytes(string flag, string path, long maxBytes)
    {
        var file = Check(flag, path, maxBytes);
        try
        {
            using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read);
            // The length checked above may grow meanwhile: read at most one byte past the limit.
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBytes)
                    throw new DataException($"{flag} {path}: more than the {maxBytes:N0} bytes this reader takes");
            }
            return buffer.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{flag} {path}: cannot be read ({e.Message})");
        }
    }

    /// <summary>The whole file as UTF-8 text, within <paramref name="maxBytes"/>.</summary>
    public static string ReadAllText(string flag, string path, long maxBytes)
    {
        var bytes = ReadAllBytes(flag, path, maxBytes);
        return new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetString(bytes).TrimStart('\uFEFF');
    }

    /// <summary>A file kind in words.</summary>
    public static string Describe(UnixFileType.Kind kind) => kind switch
    {
        UnixFileType.Kind.Fifo => "a FIFO",
        UnixFileType.Kind.CharacterDevice => "a character device",
        UnixFileType.Kind.BlockDevice => "a block device",
        UnixFileType.Kind.Socket => "a socket",
        UnixFileType.Kind.Directory => "a directory",
        _ => "not a regular file",
    };
}
