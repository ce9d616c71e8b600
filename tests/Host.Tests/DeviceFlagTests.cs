using Xunit;

namespace Qnn.Host.Tests;

/// <summary>`--device cuda` on a machine whose libtorch has no CUDA (this one: TorchSharp-cpu) is a
/// usage error that says what to install or set, before any data is read.</summary>
public class DeviceFlagTests
{
    [Theory]
    [InlineData("train")]
    [InlineData("eval", "--load", "missing.qnn")]
    [InlineData("search", "--trials", "1")]
    public void Device_cuda_without_cuda_exits_2_saying_what_to_install_or_set(string command, params string[] rest)
    {
        var result = Cli.Run(null, [command, "--device", "cuda", .. rest]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("qnn: --device cuda: this libtorch sees no CUDA device.", result.Error);
        Assert.Contains("install a CUDA build of PyTorch, build qnn with -p:QnnTorchSharp=managed and set QNN_LIBTORCH to PyTorch's torch/lib folder", result.Error);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void QNN_LIBTORCH_naming_a_folder_without_libtorch_exits_2_before_torch_loads()
    {
        var folder = Directory.CreateTempSubdirectory("qnn-libtorch-").FullName;
        try
        {
            var process = QnnProcess.Start("exec \"$QNN\" inspect --model VertebralMlp", folder, new Dictionary<string, string> { ["QNN_LIBTORCH"] = folder });
            var (exitCode, output) = QnnProcess.Finish(process, TimeSpan.FromMinutes(2));
            Assert.Equal(2, exitCode);
            Assert.Equal($"qnn: QNN_LIBTORCH={folder}: the folder has no libtorch.so; set it to a libtorch folder such as a PyTorch install's torch/lib, or unset it", output.Trim());
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
