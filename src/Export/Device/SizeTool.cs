using System.Diagnostics;
using System.Globalization;
using Qnn.Export.C;

namespace Qnn.Export.Device;

/// <summary>
/// A model's C compiled alone for a target with its cross compiler (<c>-std=c99 -Os -c</c>, as
/// targets/model-size.sh measures the docs' figures) and its sections read with binutils' size:
/// text + rodata + data is the flash, data + bss the static RAM.
/// </summary>
public static class SizeTool
{
    /// <summary>An object file's bytes of code, tables, initialized and zeroed data (each the sum
    /// of the sections of its kind, small-data sections included).</summary>
    public sealed record SectionBytes(long Text, long Rodata, long Data, long Bss)
    {
        /// <summary>What the part's flash holds: code, tables and the initial data.</summary>
        public long Flash => Text + Rodata + Data;

        /// <summary>What its RAM holds before the stack: the data and the zeroed data.</summary>
        public long StaticRam => Data + Bss;
    }

    /// <summary>Whether <paramref name="target"/>'s compiler, size tool and C library are installed.</summary>
    public static bool IsInstalled(DeviceTarget target) =>
        OnPath(target.Compiler) is not null && OnPath(target.SizeTool) is not null
        && (target.Prerequisite is null || File.Exists(target.Prerequisite));

    /// <summary>The sections of <paramref name="source"/> built for <paramref name="target"/>;
    /// throws <see cref="ExportException"/> where the compiler fails.</summary>
    public static SectionBytes Measure(CSource source, DeviceTarget target)
    {
        var folder = Directory.CreateTempSubdirectory("qnn-size-");
        try
        {
            var code = Path.Combine(folder.FullName, source.Prefix + ".c");
            File.WriteAllText(Path.Combine(folder.FullName, source.Prefix + ".h"), source.Header);
            File.WriteAllText(code, source.Source);
            var objectFile = Path.Combine(folder.FullName, source.Prefix + ".o");
            Run(target.Compiler, folder.FullName, [.. target.Flags, "-std=c99", "-Os", "-c", "-o", objectFile, code]);
            long text = 0, rodata = 0, data = 0, bss = 0;
            foreach (var line in Run(target.SizeTool, folder.FullName, ["-A", objectFile]).Split('\n'))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 2 || !fields[0].StartsWith('.') || !long.TryParse(fields[1], CultureInfo.InvariantCulture, out var bytes))
                    continue;
                var section = fields[0].TrimStart('.');
                if (section.StartsWith("text", StringComparison.Ordinal)) text += bytes;
                else if (section.StartsWith("rodata", StringComparison.Ordinal) || section.StartsWith("srodata", StringComparison.Ordinal)) rodata += bytes;
                else if (section.StartsWith("data", StringComparison.Ordinal) || section.StartsWith("sdata", StringComparison.Ordinal)) data += bytes;
                else if (section.StartsWith("bss", StringComparison.Ordinal) || section.StartsWith("sbss", StringComparison.Ordinal)) bss += bytes;
            }
            return new SectionBytes(text, rodata, data, bss);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Run(string tool, string folder, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(OnPath(tool) ?? tool) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new ExportException($"{tool} did not start");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new ExportException($"{tool} took over 2 minutes");
        }
        if (process.ExitCode != 0)
            throw new ExportException($"{tool} failed ({process.ExitCode}): {error.Result.Trim()}");
        return output;
    }

    private static string? OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, tool)).FirstOrDefault(File.Exists);
}
