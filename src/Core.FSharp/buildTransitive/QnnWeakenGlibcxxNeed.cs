// Compiled by MSBuild's RoslynCodeTaskFactory from Qnn.targets (against netstandard: no spans,
// no nullable annotations); see the comment there for why it exists.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Sets VER_FLG_WEAK on the Vernaux entry naming <see cref="VersionName"/> in each ELF64
/// library's .gnu.version_r section, when the machine's libstdc++ does not define that version.
/// </summary>
public class QnnWeakenGlibcxxNeed : Task
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlagWeak = 0x2;

    static readonly string[] LibStdCxxDirectories =
    {
        "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/x86_64-linux-gnu",
        "/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib", "/usr/local/lib64",
        "/usr/local/lib",
    };

    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        var libstdcxx = FindLibStdCxx();
        if (libstdcxx == null)
        {
            Log.LogMessage(MessageImportance.Low, "Qnn: no libstdc++.so.6 found; libLibTorchSharp.so left as is.");
            return true;
        }
        if (Contains(File.ReadAllBytes(libstdcxx), Encoding.ASCII.GetBytes(VersionName + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"Qnn: {libstdcxx} defines {VersionName}; no patch needed.");
            return true;
        }
        foreach (var item in Libraries)
        {
            try
            {
                Patch(item.ItemSpec);
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                Log.LogError($"Qnn: cannot patch {item.ItemSpec}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    void Patch(string path)
    {
        var elf = File.ReadAllBytes(path);
        var offset = FindVernauxFlags(elf, VersionName);
        if (offset < 0)
        {
            Log.LogMessage(MessageImportance.Low, $"Qnn: {path} does not need {VersionName}.");
            return;
        }
        var flags = BitConverter.ToUInt16(elf, offset);
        if ((flags & VerFlagWeak) != 0)
        {
            Log.LogMessage(MessageImportance.Low, $"Qnn: {path} already marks {VersionName} weak.");
            return;
        }
        BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, offset);
        // Written beside the target and renamed over it: never a half-patched library, and a
        // hard link into the NuGet cache (if the copy made one) is broken rather than modified.
        var temporary = path + ".qnn-tmp";
        File.WriteAllBytes(temporary, elf);
        File.Delete(path);
        File.Move(temporary, path);
        Log.LogMessage(MessageImportance.Normal, $"Qnn: marked {VersionName} weak in {path} (libstdc++ here lacks it).");
    }

    /// <summary>The file offset of vna_flags for the named version need, or -1.</summary>
    static int FindVernauxFlags(byte[] elf, string versionName)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("not a little-endian ELF64 file");
        var sectionTable = checked((int)BitConverter.ToUInt64(elf, 0x28));
        int entrySize = BitConverter.ToUInt16(elf, 0x3A);
        int count = BitConverter.ToUInt16(elf, 0x3C);
        for (var i = 0; i < count; i++)
        {
            var header = sectionTable + i * entrySize;
            if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed) continue;
            var section = checked((int)BitConverter.ToUInt64(elf, header + 0x18));
            var link = BitConverter.ToUInt32(elf, header + 0x28);
            var needCount = BitConverter.ToUInt32(elf, header + 0x2C);
            var strings = checked((int)BitConverter.ToUInt64(elf, sectionTable + (int)link * entrySize + 0x18));
            var need = section;
            for (var n = 0; n < needCount; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, need + 2);
                var aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (var a = 0; a < auxCount; a++)
                {
                    var name = ReadString(elf, strings + (int)BitConverter.ToUInt32(elf, aux + 8));
                    if (name == versionName) return aux + 4;
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                need += (int)BitConverter.ToUInt32(elf, need + 12);
            }
        }
        return -1;
    }

    static string ReadString(byte[] bytes, int start)
    {
        var end = Array.IndexOf(bytes, (byte)0, start);
        return Encoding.ASCII.GetString(bytes, start, end - start);
    }

    static string FindLibStdCxx()
    {
        var fromEnvironment = (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "")
            .Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries);
        foreach (var directory in fromEnvironment)
        {
            var candidate = Path.Combine(directory, "libstdc++.so.6");
            if (File.Exists(candidate)) return candidate;
        }
        foreach (var directory in LibStdCxxDirectories)
        {
            var candidate = Path.Combine(directory, "libstdc++.so.6");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    static bool Contains(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            var j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }
}
