extern alias generator;
using Xunit;

namespace Qnn.Generators.Tests;

/// <summary>The shared corpus of invalid declarations (tests/Corpus): the generator must report
/// exactly the codes each case lists. Core.Tests runs the JSON twins through Spec.validate.</summary>
public class CorpusTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.cs").OrderBy(f => f, StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_generator_reports_the_listed_codes(string name)
    {
        var source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", name + ".cs"));
        var expected = source.Split('\n')[0].Replace("// expect:", "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Order();
        var run = GeneratorHarness.Run("using Qnn;\n" + source);
        Assert.Equal(expected, run.Diagnostics.Select(d => d.Id).Distinct().Order());
        Assert.Empty(run.CompilationErrors);
    }

    [Fact]
    public void The_corpus_covers_every_code()
    {
        var listed = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.cs")
            .SelectMany(f => File.ReadLines(f).First().Replace("// expect:", "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Distinct().Order();
        Assert.Equal(generator::Qnn.Generators.Diagnostics.DiagnosticDescriptors.All.Select(d => d.Id), listed);
    }
}
