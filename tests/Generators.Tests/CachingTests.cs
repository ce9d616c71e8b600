using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Qnn.Generators.Tests;

/// <summary>The pipeline caches on plain values: an edit elsewhere leaves the model's outputs cached.</summary>
public class CachingTests
{
    private const string Model = """
        using Qnn;

        namespace Demo;

        [QuantizedMlp]
        [Input(6, Bits = 16)]
        [Dense(32, Weights = WeightQuant.Binary)]
        [Dense(3, Weights = WeightQuant.Binary)]
        public partial class VertebralMlp;
        """;

    [Fact]
    public void An_unrelated_edit_leaves_the_model_cached()
    {
        var compilation = GeneratorHarness.Compile(Model)
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Demo; public static class Helpers { public static int One() => 1; }", path: "Helpers.cs"));
        var first = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation);
        Assert.Single(first.Sources);

        var helpers = compilation.SyntaxTrees.Single(t => t.FilePath == "Helpers.cs");
        var edited = compilation.ReplaceSyntaxTree(helpers,
            CSharpSyntaxTree.ParseText("namespace Demo; public static class Helpers { public static int Two() => 2; }", path: "Helpers.cs"));
        var second = GeneratorHarness.Run(first.Driver, edited);

        var steps = second.Driver.GetRunResult().Results.Single().TrackedSteps;
        var analyze = steps[QnnGenerator.Steps.Analyze];
        Assert.NotEmpty(analyze);
        Assert.All(analyze.SelectMany(s => s.Outputs), o => Assert.True(
            o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"analysis re-ran: {o.Reason}"));
        var output = second.Driver.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs);
        Assert.All(output, o => Assert.True(
            o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output re-ran: {o.Reason}"));
    }

    [Fact]
    public void Editing_the_model_reruns_it()
    {
        var compilation = GeneratorHarness.Compile(Model);
        var first = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Model.Replace("Dense(32", "Dense(64"), new CSharpParseOptions(LanguageVersion.Latest), path: GeneratorHarness.FileName));
        var second = GeneratorHarness.Run(first.Driver, edited);
        var analyze = second.Driver.GetRunResult().Results.Single().TrackedSteps[QnnGenerator.Steps.Analyze];
        Assert.Contains(analyze.SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("BatchNorm1d(64)", Assert.Single(second.Sources).SourceText.ToString());
    }
}
