using Xunit;

namespace Qnn.Host.Tests;

/// <summary>A saved model file is validated on load: a clear error and exit 3 for a bad one.</summary>
public class SavedModelTests
{
    private static string SaveOne()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var path = Path.Combine(Directory.CreateTempSubdirectory("qnn-model-").FullName, "model.qnn");
        Assert.Equal(0, Cli.Run(data, "train", "--epochs", "2", "--save", path).ExitCode);
        return path;
    }

    private static void AssertBad(string path, string fragment)
    {
        var result = Cli.Run(Cli.SharedData, "eval", "--load", path);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains(fragment, result.Error);
    }

    [SkippableFact]
    public void Not_a_model_file()
    {
        var path = SaveOne();
        var bytes = File.ReadAllBytes(path);
        bytes[0] = (byte)'X';
        File.WriteAllBytes(path, bytes);
        AssertBad(path, "not a qnn model file");
    }

    [SkippableFact]
    public void Unknown_format_version()
    {
        var path = SaveOne();
        var bytes = File.ReadAllBytes(path);
        bytes[8] = 9;
        File.WriteAllBytes(path, bytes);
        AssertBad(path, "model format version 9; this qnn reads version 1");
    }

    [SkippableFact]
    public void Truncated_weights()
    {
        var path = SaveOne();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        AssertBad(path, "model.qnn:");
    }

    [SkippableFact]
    public void Truncated_header()
    {
        var path = SaveOne();
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..20]);
        AssertBad(path, "truncated");
    }

    [Fact]
    public void Missing_file() => AssertBad("/nonexistent/model.qnn", "/nonexistent/model.qnn: no such file");

    [SkippableFact]
    public void Inspect_reads_a_saved_model()
    {
        var path = SaveOne();
        var result = Cli.Run(null, "inspect", "--load", path);
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("VertebralMlp (MLP), input 6", result.Output);
    }
}
