using System.Diagnostics;
using System.Globalization;

namespace Qnn.Search.Storage;

/// <summary>Worker ids, "host:pid:thread", and whether a worker on this machine is gone.</summary>
public static class Workers
{
    /// <summary>This process's worker id for worker thread <paramref name="thread"/>.</summary>
    public static string Id(int thread) =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{thread}");

    /// <summary>True when <paramref name="worker"/> ran on this machine in a process that no
    /// longer exists. A worker of another host, or an id that is not "host:pid:thread", is never
    /// dead locally: only its heartbeat timeout can requeue its trial. A pid reused by a new
    /// process (common in containers) also looks alive; the heartbeat timeout covers that too.</summary>
    public static bool IsDeadLocal(string worker)
    {
        // The host name may itself contain ':', so pid and thread are the last two parts.
        var parts = worker.Split(':');
        if (parts.Length < 3) return false;
        var host = string.Join(':', parts[..^2]);
        if (!string.Equals(host, Environment.MachineName, StringComparison.OrdinalIgnoreCase)) return false;
        if (!int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return false;
        if (!int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out _)) return false;
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no process with that id
        }
        catch (InvalidOperationException)
        {
            return true; // it exited while we looked
        }
    }
}
