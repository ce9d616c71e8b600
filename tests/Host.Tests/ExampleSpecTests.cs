using Qnn.Engine;
using Qnn.Export;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>The spec files in examples/ (quoted by the README and docs/) stay valid and exportable;
/// the search spaces in examples/spaces/ parse, and their candidates decode to valid specs.</summary>
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

    public static TheoryData<string> Spaces()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Cli.RepositoryRoot, "examples", "spaces"), "*.json").Order())
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Spaces))]
    public void An_example_space_parses_and_its_candidates_are_valid_specs(string file)
    {
        var space = Qnn.Search.Spaces.SearchSpace.Parse(File.ReadAllText(Path.Combine(Cli.RepositoryRoot, "examples", "spaces", file)));
        var input = new Qnn.Search.Spaces.InputShape(space.Kind == "cnn" ? new[] { 1, 28, 28 } : new[] { 784 });
        var domains = space.DomainsFor(input);
        var random = new Random(1);
        var valid = 0;
        for (var i = 0; i < 50; i++)
        {
            var genome = new Qnn.Search.Genes.Genome(domains.Select(d => random.Next(d.Count)));
            var candidate = space.Decode(genome, input, 10, "candidate");
            if (candidate.Spec is { } spec && Spec.validate(spec).All(d => !d.IsError))
                valid++;
        }
        Assert.True(valid >= 25, $"{file}: {valid} of 50 random candidates are valid specs");
    }
}
