using System.CommandLine;
using TorchSharp;

namespace Qnn.Host.Commands;

/// <summary>`--threads N`: torch's intra-op threads (default: torch's own choice, the core count).</summary>
public static class Threads
{
    public static Option<int?> Flag() =>
        Cli.Flag.OptionalInt("--threads", "Cap torch's threads [default: the core count]", 1);

    /// <summary>Sets torch's threads; more than the machine's processors are capped to their
    /// number, with a note (oversubscribed threads only wait on each other).</summary>
    public static int Apply(int? threads, TextWriter notes)
    {
        if (threads is { } count)
            torch.set_num_threads(Cap(count, notes));
        return torch.get_num_threads();
    }

    /// <summary>At most the machine's processors, with a note when more were asked for
    /// (oversubscribed threads only wait on each other).</summary>
    public static int Cap(int count, TextWriter notes)
    {
        if (count <= Environment.ProcessorCount)
            return count;
        notes.WriteLine($"qnn: note: --threads {count} is more than the {Environment.ProcessorCount} processors; using {Environment.ProcessorCount}");
        return Environment.ProcessorCount;
    }
}
