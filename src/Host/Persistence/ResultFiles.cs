using System.Globalization;

namespace Qnn.Host.Persistence;

/// <summary>
/// Writes a command's results at the end of its work. A result that cannot be written where the
/// user asked (the disk filled, permissions changed meanwhile) goes to the current directory,
/// else the temp folder, as <c>NAME.fallback-TIMESTAMP.EXT</c>; the message says where, and the
/// command exits 4: a trained model is never thrown away.
/// </summary>
/// <param name="fallbackFolders">Where fallback copies go, in order (tests give their own).</param>
public sealed class ResultFiles(TextWriter messages, IReadOnlyList<string>? fallbackFolders = null)
{
    /// <summary>Whether some result went to a fallback path (the command then exits 4).</summary>
    public bool FellBack { get; private set; }

    /// <summary>Writes through <see cref="AtomicFile"/>; returns the path the result is at.</summary>
    public string Write(string flag, string path, Action<string> writeTemporary, bool throughStreams = false)
    {
        Exception first;
        try
        {
            AtomicFile.Write(path, writeTemporary, throughStreams);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            first = e;
        }
        var name = $"{Path.GetFileNameWithoutExtension(path)}.fallback-{DateTime.UtcNow.ToString("yyyyMMddTHHmmssfff", CultureInfo.InvariantCulture)}{Path.GetExtension(path)}";
        foreach (var folder in fallbackFolders ?? new[] { Directory.GetCurrentDirectory(), Path.GetTempPath() })
        {
            var fallback = Path.Combine(folder, name);
            try
            {
                AtomicFile.Write(fallback, writeTemporary);
                FellBack = true;
                messages.WriteLine($"qnn: {flag} {path} could not be written ({first.Message}); the result is at {fallback}");
                return fallback;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Try the next folder.
            }
        }
        throw new ResultNotWrittenException($"{flag} {path} could not be written ({first.Message}), nor a fallback copy in {string.Join(" or ", fallbackFolders ?? new[] { "the current directory", Path.GetTempPath() })}", first);
    }
}
