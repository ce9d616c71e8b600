extern alias generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Qnn.Generators.Tests;

/// <summary>
/// The pipeline caches on plain, location-free values: an edit elsewhere, even lines inserted
/// above a model in its own file, leaves analysis and emission cached, while the diagnostics step
/// still reports at the new positions.
/// </summary>
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
        var analyze = steps[generator::Qnn.Generators.QnnGenerator.Steps.Analyze];
        Assert.NotEmpty(analyze);
        Assert.All(analyze.SelectMany(s => s.Outputs), o => Assert.True(
            o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"analysis re-ran: {o.Reason}"));
        var output = second.Driver.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs);
        Assert.All(output, o => Assert.True(
            o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output re-ran: {o.Reason}"));
    }

    private const string TwoModels = """
        using Qnn;

        namespace Demo;

        [QuantizedMlp]
        [Input(6, Bits = 16)]
        [Dense(32, Weights = WeightQuant.Binary)]
        [Dense(3, Weights = WeightQuant.Binary)]
        public partial class VertebralMlp;

        [QuantizedMlp(Dropout = 1.0)]
        [Input(4)]
        [Dense(2, Weights = WeightQuant.Binary, Bits = 4)]
        public partial class Broken;
        """;

    private static void AssertAllCached(GeneratorDriverRunResult result, string step)
    {
        var outputs = result.Results.Single().TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(
            o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} re-ran: {o.Reason}"));
    }

    private static int LineOf(string source, string text) => source.Substring(0, source.IndexOf(text, StringComparison.Ordinal)).Count(c => c == '\n');

    [Fact]
    public void Lines_inserted_above_a_model_in_its_file_leave_analysis_and_emission_cached()
    {
        var compilation = GeneratorHarness.Compile(TwoModels);
        var first = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation);
        Assert.Single(first.Sources);
        Assert.Equal(LineOf(TwoModels, "Dropout = 1.0"), first.Diagnostics.Single(d => d.Id == "QNN007").Location.GetLineSpan().StartLinePosition.Line);

        var inserted = "// A comment, a blank line and an unrelated class above the models.\n\npublic static class Unrelated { public static int One() => 1; }\n\n";
        var editedSource = TwoModels.Replace("namespace Demo;\n", "namespace Demo;\n" + inserted);
        Assert.NotEqual(TwoModels, editedSource);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(editedSource, new CSharpParseOptions(LanguageVersion.Latest), path: GeneratorHarness.FileName));
        var second = GeneratorHarness.Run(first.Driver, edited);
        var result = second.Driver.GetRunResult();

        // The read step saw the edit (its locations moved) ...
        Assert.Contains(result.Results.Single().TrackedSteps[generator::Qnn.Generators.QnnGenerator.Steps.ReadMlp].SelectMany(s => s.Outputs),
            o => o.Reason == IncrementalStepRunReason.Modified);
        // ... but the location-free declaration is equal, so analysis and emission did not run again.
        AssertAllCached(result, generator::Qnn.Generators.QnnGenerator.Steps.Declaration);
        AssertAllCached(result, generator::Qnn.Generators.QnnGenerator.Steps.Analyze);
        AssertAllCached(result, generator::Qnn.Generators.QnnGenerator.Steps.Emit);
        Assert.Equal(first.Sources.Single().SourceText.ToString(), second.Sources.Single().SourceText.ToString());

        // The diagnostics step re-ran and points at the new lines.
        Assert.Contains(result.Results.Single().TrackedSteps[generator::Qnn.Generators.QnnGenerator.Steps.Diagnostics].SelectMany(s => s.Outputs),
            o => o.Reason == IncrementalStepRunReason.Modified);
        var dropout = second.Diagnostics.Single(d => d.Id == "QNN007").Location.GetLineSpan();
        Assert.Equal(LineOf(editedSource, "Dropout = 1.0"), dropout.StartLinePosition.Line);
        Assert.Equal(LineOf(TwoModels, "Dropout = 1.0") + 4, dropout.StartLinePosition.Line);
        var bits = second.Diagnostics.Single(d => d.Id == "QNN015").Location.GetLineSpan();
        Assert.Equal(LineOf(editedSource, "Bits = 4"), bits.StartLinePosition.Line);
        Assert.Equal(editedSource.Split('\n')[bits.StartLinePosition.Line].IndexOf("Bits = 4", StringComparison.Ordinal), bits.StartLinePosition.Character);
    }

    [Fact]
    public void Editing_the_model_reruns_it()
    {
        var compilation = GeneratorHarness.Compile(Model);
        var first = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Model.Replace("Dense(32", "Dense(64"), new CSharpParseOptions(LanguageVersion.Latest), path: GeneratorHarness.FileName));
        var second = GeneratorHarness.Run(first.Driver, edited);
        var analyze = second.Driver.GetRunResult().Results.Single().TrackedSteps[generator::Qnn.Generators.QnnGenerator.Steps.Analyze];
        Assert.Contains(analyze.SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("BatchNorm1d(64)", Assert.Single(second.Sources).SourceText.ToString());
    }
}
