using System.Diagnostics;

namespace Qnn.Host.Tests;

/// <summary>Runs the built `qnn` as a child process, for what only a real process shows: a
/// memory cap (`ulimit -v`), a kill, a folder changed while it works.</summary>
public static class QnnProcess
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    /// <summary>The host's executable, built beside this test project.</summary>
    public static string Executable => Path.Combine(Cli.RepositoryRoot, "src", "Host", "bin", Configuration, "net10.0", "qnn");

    /// <summary>Starts `bash -c SCRIPT` in <paramref name="workingDirectory"/>, where `$QNN` is the
    /// executable; stdout lines go to <paramref name="onLine"/> as they come.</summary>
    public static Process Start(string script, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null, Action<string>? onLine = null)
    {
        var start = new ProcessStartInfo("bash", new[] { "-c", script })
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["QNN"] = Executable;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            onLine?.Invoke(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Outputs[process] = output;
        return process;
    }

    /// <summary>Waits for the process (killing it past <paramref name="timeout"/>) and returns its
    /// exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) Finish(Process process, TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"qnn did not finish in {timeout}: {Outputs[process]}");
        }
        process.WaitForExit();
        var output = Outputs[process].ToString();
        Outputs.Remove(process, out _);
        return (process.ExitCode, output);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Process, System.Text.StringBuilder> Outputs = new();
}
