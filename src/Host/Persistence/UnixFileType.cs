using System.Runtime.InteropServices;

namespace Qnn.Host.Persistence;

/// <summary>
/// What kind of file a path names on Linux (regular, directory, FIFO, device, socket), following
/// symlinks, without opening it: opening a FIFO blocks until a writer comes, and .NET reports
/// devices and FIFOs as ordinary files (FileAttributes.Normal, length 0). Reads st_mode from
/// glibc's stat(2) at its offset in struct stat for x86-64 and arm64; elsewhere the kind is
/// unknown and callers treat the path as a regular file.
/// </summary>
public static partial class UnixFileType
{
    public enum Kind { Unknown, Regular, Directory, Fifo, CharacterDevice, BlockDevice, Socket, Missing }

    private const int StatBufferBytes = 256;

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, Span<byte> buffer);

    public static Kind Of(string path)
    {
        if (!OperatingSystem.IsLinux())
            return Kind.Unknown;
        var offset = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 24,   // st_dev, st_ino, st_nlink (8 bytes each), then st_mode
            Architecture.Arm64 => 16, // st_dev, st_ino, then st_mode (the generic layout)
            _ => -1,
        };
        if (offset < 0)
            return Kind.Unknown;
        Span<byte> buffer = stackalloc byte[StatBufferBytes];
        try
        {
            if (Stat(path, buffer) != 0)
                return Marshal.GetLastPInvokeError() == 2 /* ENOENT */ ? Kind.Missing : Kind.Unknown;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return Kind.Unknown;
        }
        var mode = BitConverter.ToUInt32(buffer.Slice(offset, 4));
        return (mode & 0xF000) switch
        {
            0x8000 => Kind.Regular,
            0x4000 => Kind.Directory,
            0x1000 => Kind.Fifo,
            0x2000 => Kind.CharacterDevice,
            0x6000 => Kind.BlockDevice,
            0xC000 => Kind.Socket,
            _ => Kind.Unknown,
        };
    }
}
