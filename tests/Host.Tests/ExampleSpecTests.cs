using Qnn.Engine;
using Qnn.Export;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>The spec files in examples/ (quoted by the README and docs/) stay valid and exportable.</summary>
public class ExampleSpecTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Cli.RepositoryRoot, "examples"), "*.json").Order())
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void An_example_spec_reads_validates_and_exports_to_C(string file)
    {
        var json = File.ReadAllText(Path.Combine(Cli.RepositoryRoot, "examples", file));
        var read = Spec.ofJson(json);
        Assert.True(read.IsOk, read.IsError ? read.ErrorValue : "");
        var spec = read.ResultValue;
        Assert.Empty(Spec.validate(spec).Where(d => d.IsError).Select(d => $"{d.Code} {d.Path}: {d.Message}"));
        TorchSharp.torch.manual_seed(1);
        using var network = Spec.build(spec);
        network.eval();
        var engine = EngineExporter.Export(network);
        var source = Qnn.Export.C.CExporter.Generate(engine, "example");
        Assert.Contains("example_predict", source.Header);
    }
}
