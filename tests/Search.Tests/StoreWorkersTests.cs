using System.Diagnostics;
using Qnn.Search.Storage;
using Xunit;

namespace Qnn.Search.Tests;

/// <summary>Worker ids ("host:pid:thread") and which of them are dead on this machine.</summary>
public sealed class StoreWorkersTests
{
    [Fact]
    public void Id_is_host_pid_thread()
    {
        Assert.Equal($"{Environment.MachineName}:{Environment.ProcessId}:3", Workers.Id(3));
        Assert.NotEqual(Workers.Id(0), Workers.Id(1));
    }

    [Fact]
    public void This_process_and_a_running_one_are_alive_an_exited_one_is_dead()
    {
        Assert.False(Workers.IsDeadLocal(Workers.Id(0)));
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        var id = $"{Environment.MachineName}:{sleeper.Id}:2";
        Assert.False(Workers.IsDeadLocal(id));
        sleeper.Kill();
        sleeper.WaitForExit();
        Assert.True(Workers.IsDeadLocal(id));
        Assert.True(Workers.IsDeadLocal($"{Environment.MachineName}:{StoreContractTests.DeadPid()}:0"));
    }

    [Fact]
    public void Another_hosts_worker_or_a_malformed_id_is_never_dead_locally()
    {
        var dead = StoreContractTests.DeadPid();
        Assert.False(Workers.IsDeadLocal($"not-{Environment.MachineName}:{dead}:0"));
        Assert.False(Workers.IsDeadLocal($"{Environment.MachineName}:{dead}"));
        Assert.False(Workers.IsDeadLocal($"{Environment.MachineName}:x:0"));
        Assert.False(Workers.IsDeadLocal($"{Environment.MachineName}:{dead}:y"));
        Assert.False(Workers.IsDeadLocal(""));
        // A host name with colons (an IPv6 literal, say) still parses from the right.
        Assert.False(Workers.IsDeadLocal($"fe80::1:{dead}:0"));
    }
}
