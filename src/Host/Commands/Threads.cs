using System.CommandLine;
using TorchSharp;

namespace Qnn.Host.Commands;

/// <summary>`--threads N`: torch's intra-op threads (default: torch's own choice, the core count).</summary>
public static class Threads
{
    public static Option<int?> Flag() =>
        Cli.Flag.OptionalInt("--threads", "Cap torch's threads [default: the core count]", 1);

    public static int Apply(int? threads)
    {
        if (threads is { } count)
            torch.set_num_threads(count);
        return torch.get_num_threads();
    }
}
