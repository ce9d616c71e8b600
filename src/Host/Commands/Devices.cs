using System.CommandLine;
using Qnn.Host.Cli;
using TorchSharp;

namespace Qnn.Host.Commands;

/// <summary>`--device cpu|cuda|auto`: where a command trains and evaluates (default the CPU; auto
/// takes CUDA when this libtorch sees a GPU).</summary>
public static class Devices
{
    public static Option<string> Flag() =>
        Cli.Flag.Choice("--device", "Where to train and evaluate: cpu, cuda (a GPU) or auto (cuda when available)", "cpu", "cpu", "cuda", "auto");

    /// <summary>The device a choice names; `cuda` without a CUDA libtorch is a usage error (exit 2)
    /// that says what to install or set.</summary>
    /// <summary>A recorded device, checked as the flag would be.</summary>
    public static torch.Device Resolve(torch.Device recorded)
    {
        if (recorded.type != DeviceType.CUDA)
            return torch.CPU;
        Resolve("cuda"); // the usage error when this libtorch sees no GPU
        return recorded;
    }

    public static torch.Device Resolve(string choice) => choice switch
    {
        "cuda" when !torch.cuda.is_available() => throw new UsageException(
            "--device cuda: this libtorch sees no CUDA device. Qnn ships TorchSharp's CPU libtorch; install a CUDA build of PyTorch, build qnn with -p:QnnTorchSharp=managed and set QNN_LIBTORCH to PyTorch's torch/lib folder (see docs/gpu.md), or use --device cpu"),
        "cuda" => torch.CUDA,
        "auto" => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
        _ => torch.CPU,
    };
}
