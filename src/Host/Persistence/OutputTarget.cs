namespace Qnn.Host.Persistence;

/// <summary>
/// Where a result named by a flag really goes. A symlink is followed to the file it names (the
/// result replaces that file, never the link); a device, FIFO or socket is a stream, which only a
/// flag documented as standard output's stand-in may write through; anything else that exists and
/// is not a regular file is refused.
/// </summary>
public sealed record OutputTarget(string Path, bool IsStream)
{
    /// <summary>The target of <paramref name="path"/> (already a full path).</summary>
    /// <exception cref="IOException">A symlink loop, or a link that cannot be read.</exception>
    public static OutputTarget Of(string path)
    {
        var kind = UnixFileType.Of(path);
        if (kind is UnixFileType.Kind.Fifo or UnixFileType.Kind.CharacterDevice or UnixFileType.Kind.BlockDevice or UnixFileType.Kind.Socket)
            return new OutputTarget(path, IsStream: true);
        var info = new FileInfo(path);
        if (info.LinkTarget is null)
            return new OutputTarget(path, IsStream: false);
        // A link to a regular file, or one that dangles: the file at its end is what gets written.
        var final = info.ResolveLinkTarget(returnFinalTarget: true);
        return new OutputTarget(final?.FullName ?? path, IsStream: false);
    }

    /// <summary>The kind of a stream target in words ("a character device").</summary>
    public string StreamKind => InputFile.Describe(UnixFileType.Of(Path));
}
