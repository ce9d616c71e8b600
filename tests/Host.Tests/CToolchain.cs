using System.Diagnostics;
using Xunit;
using Qnn.Tests.Support;

namespace Qnn.Host.Tests;

/// <summary>The C compilers and emulator the C export is checked with (.ci/c-toolchains.sh installs
/// them): a missing one skips a test naming its Debian package, or fails it under QNN_REQUIRE_DATA=1 (CI).</summary>
public static class CToolchain
{
    /// <summary>The Debian package of each tool the tests run.</summary>
    private static readonly Dictionary<string, string> Packages = new()
    {
        ["gcc"] = "gcc",
        ["arm-linux-gnueabihf-gcc"] = "gcc-arm-linux-gnueabihf",
        ["qemu-arm"] = "qemu-user",
        ["arm-none-eabi-gcc"] = "gcc-arm-none-eabi",
        ["arm-none-eabi-size"] = "binutils-arm-none-eabi",
        ["qemu-system-arm"] = "qemu-system-arm",
        ["riscv64-unknown-elf-gcc"] = "gcc-riscv64-unknown-elf",
        ["qemu-system-riscv32"] = "qemu-system-misc",
        ["clang"] = "clang",
    };

    /// <summary>The full path of <paramref name="tool"/> on PATH, or a skip (a failure in CI).</summary>
    public static string Require(string tool)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, tool)).FirstOrDefault(File.Exists);
        if (found is not null)
            return found;
        Prerequisite.Missing(tool, Packages.GetValueOrDefault(tool, tool), ".ci/c-toolchains.sh");
        return tool;
    }

    /// <summary>The ARM cross compiler and the C library headers it needs (a separate package,
    /// which an install without recommends leaves out).</summary>
    public static string RequireArmGcc()
    {
        var gcc = Require("arm-linux-gnueabihf-gcc");
        if (!File.Exists("/usr/arm-linux-gnueabihf/include/stdio.h"))
            Prerequisite.Missing("the ARM C library headers (/usr/arm-linux-gnueabihf/include)", "libc6-dev-armhf-cross", ".ci/c-toolchains.sh");
        return gcc;
    }

    /// <summary>Runs a tool to completion; its standard output, or a failure with its errors.</summary>
    public static string Run(string tool, string workingDirectory, params string[] args)
    {
        var (exit, output, error) = Execute(tool, workingDirectory, args);
        Assert.True(exit == 0, $"{Path.GetFileName(tool)} {string.Join(' ', args)} exited {exit}: {error}{output[..Math.Min(output.Length, 2000)]}");
        return output;
    }

    /// <summary>Runs a tool to completion: its exit status and what it wrote to both outputs.</summary>
    public static (int Exit, string Output) Try(string tool, string workingDirectory, params string[] args)
    {
        var (exit, output, error) = Execute(tool, workingDirectory, args);
        return (exit, error + output);
    }

    private static (int Exit, string Output, string Error) Execute(string tool, string workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo(tool) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
