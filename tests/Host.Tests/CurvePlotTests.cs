using System.Buffers.Binary;
using Qnn.Host.Reports;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>`--plot`: two panels side by side for a few runs (a line per run) and for many (mean
/// and band), runs of different lengths included.</summary>
public class CurvePlotTests
{
    private static RunResult Run(int run, int epochs)
    {
        var history = Enumerable.Range(1, epochs)
            .Select(e => new EpochRecord(run, e, 1.0 / e + 0.01 * run, 1.2 / e + 0.02 * run, 0.5 + 0.03 * e - 0.01 * run, 0.01))
            .ToArray();
        return new RunResult(run, 42 + run, history, history[^1].TestAccuracy, history[^1].TestLoss, epochs, epochs < 15, Microsoft.FSharp.Core.FSharpOption<int>.None);
    }

    private static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    public void Writes_a_two_panel_png(int runs)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("qnn-plot-").FullName, "curves.png");
        CurvePlot.Save(path, "Test on data", Enumerable.Range(0, runs).Select(r => Run(r, r % 3 == 2 ? 9 : 15)).ToList());
        Assert.Equal((1400, 560), PngSize(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }
}
