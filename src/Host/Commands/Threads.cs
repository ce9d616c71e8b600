using Qnn.Host.Cli;
using TorchSharp;

namespace Qnn.Host.Commands;

/// <summary>`--threads N`: torch's intra-op threads (default: torch's own choice, the core count).</summary>
public static class Threads
{
    public static int Apply(CommandLine flags)
    {
        if (flags.Has("threads"))
            torch.set_num_threads(flags.Int("threads", 1, 1));
        return torch.get_num_threads();
    }
}
