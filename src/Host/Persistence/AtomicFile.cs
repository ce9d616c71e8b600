namespace Qnn.Host.Persistence;

/// <summary>Writes a file under a temporary name beside it and renames it: never half a file.</summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, byte[] content) => Write(path, temporary => File.WriteAllBytes(temporary, content));

    public static void Write(string path, Action<string> writeTemporary)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + ".tmp-" + Guid.NewGuid().ToString("N")[..8] + Path.GetExtension(full));
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
}
