extern alias generator;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Xunit;
using DiagnosticDescriptors = generator::Qnn.Generators.Diagnostics.DiagnosticDescriptors;

namespace Qnn.Generators.Tests;

/// <summary>
/// The generator and the core share one rule book (src/Rules), so its facts cannot drift; what
/// each side does on its own is checked here: the descriptors' severities (chosen per descriptor
/// for the compiler's release tracking) against the catalogue; reading a declaration against
/// reading its JSON twin (every corpus case's diagnostics against <c>Spec.validate</c>'s, message
/// texts included); the defaults a user sees in attributes, <c>SpecDefaults</c>, the JSON reader
/// and generated specs; and the emitted fields against <c>Spec.stages</c> for valid declarations.
/// </summary>
public class ConsistencyTests
{
    private static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "Corpus");

    [Fact]
    public void The_descriptors_are_the_rule_book_catalogue()
    {
        var core = Validation.rules.Select(r => (r.Code, r.IsError, r.Title, r.Format)).ToList();
        var generator = DiagnosticDescriptors.All
            .Select(d => (d.Id, d.DefaultSeverity == DiagnosticSeverity.Error, d.Title.ToString(), d.MessageFormat.ToString()))
            .ToList();
        Assert.Equal(core, generator);
    }

    public static TheoryData<string> CasesWithTwins()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Corpus, "*.json").OrderBy(f => f, StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(CasesWithTwins))]
    public void The_generator_and_Spec_validate_report_the_same_diagnostics(string name)
    {
        var run = GeneratorHarness.Run("using Qnn;\n" + File.ReadAllText(Path.Combine(Corpus, name + ".cs")));
        var generator = run.Diagnostics
            .Select(d => $"{d.Id} {(d.Severity == DiagnosticSeverity.Error ? "error" : "warning")}: {d.GetMessage()}")
            .Order(StringComparer.Ordinal)
            .ToList();

        var spec = Spec.ofJson(File.ReadAllText(Path.Combine(Corpus, name + ".json")));
        Assert.True(spec.IsOk, spec.IsOk ? "" : spec.ErrorValue);
        var core = Spec.validate(spec.ResultValue)
            .Select(d => $"{d.Code} {(d.IsError ? "error" : "warning")}: {d.Message}")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(core);
        Assert.Equal(core, generator);
    }

    [Fact]
    public void The_generator_defaults_are_the_core_defaults()
    {
        // The defaults a user sees: fresh attributes, SpecDefaults and the JSON reader.
        var model = new QuantizedMlpAttribute();
        var dense = new DenseAttribute(2);
        var conv = new ConvAttribute(4);
        var image = new ImageInputAttribute();
        Assert.Equal(
            new object[] { DslDefaults.Activation, DslDefaults.QMode, DslDefaults.Dropout, DslDefaults.ResteO, DslDefaults.ResteThreshold, DslDefaults.SwishBeta, DslDefaults.TernaryThreshold },
            new object[] { model.Activation, model.QMode, model.Dropout, model.ResteO, model.ResteThreshold, model.SwishBeta, model.TernaryThreshold });
        Assert.Equal(
            new object[] { DslDefaults.InputBits, DslDefaults.ImageBits, DslDefaults.ImageChannels, DslDefaults.WeightQuant, DslDefaults.Scaled, DslDefaults.WeightQuant, DslDefaults.Scaled },
            new object[] { new InputAttribute(3).Bits, image.Bits, image.Channels, dense.Weights, dense.Scaled, conv.Weights, conv.Scaled });
        Assert.Equal(
            new[] { DslDefaults.Kernel, DslDefaults.Stride, DslDefaults.Padding, DslDefaults.Dilation, DslDefaults.Groups, DslDefaults.Pool },
            new[] { conv.Kernel, conv.Stride, conv.Padding, conv.Dilation, conv.Groups, conv.Pool });

        var fromJson = Read("""{ "name": "AllDefaultsCnn", "kind": "cnn", "input": { "height": 8, "width": 8 }, "layers": [ { "conv": 4 }, { "dense": 2 } ] }""");
        var fromSpecDefaults = SpecDefaults.Model("AllDefaultsCnn", ModelKind.Cnn, SpecDefaults.Image(8, 8),
            new[] { SpecDefaults.Conv(4), SpecDefaults.Dense(2) });
        Assert.Equal(fromSpecDefaults, fromJson);

        // The generator's defaults in action: an all-defaults declaration generates the same spec.
        var generated = GeneratedSpecs("""
            [QuantizedCnn]
            [ImageInput(Height = 8, Width = 8)]
            [Conv(4)]
            [Dense(2)]
            public partial class AllDefaultsCnn;
            """).Single();
        Assert.Equal(fromJson, generated.Spec);
        var mlp = GeneratedSpecs("""
            [QuantizedMlp]
            [Input(3)]
            [Dense(2)]
            public partial class AllDefaultsMlp;
            """).Single();
        Assert.Equal(Read("""{ "name": "AllDefaultsMlp", "kind": "mlp", "input": { "features": 3 }, "layers": [ { "dense": 2 } ] }"""), mlp.Spec);
    }

    [Fact]
    public void The_limits_are_the_documented_ones()
    {
        // 256 characters, 2^31 - 1 parameters, 2^28 values per sample (docs/diagnostics/QNN014.md).
        Assert.Equal(new object[] { 256, (long)int.MaxValue, 1L << 28 },
            new object[] { Qnn.Limits.MaxNameLength, Qnn.Limits.MaxParameters, Qnn.Limits.MaxActivationsPerSample });
    }

    public static TheoryData<string> ValidDeclarations()
    {
        var data = new TheoryData<string>();
        foreach (var name in SnapshotDeclarations.All.Keys)
            data.Add("snapshot:" + name);
        var root = DiagnosticTests.RepositoryRoot();
        var files = new[] { "tests/Generators.IntegrationTests/Models.cs" }
            .Concat(new[] { "src/Models" }
                .Select(d => Path.Combine(root, d))
                .Where(Directory.Exists)
                .SelectMany(d => Directory.GetFiles(d, "*.cs"))
                .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')))
            .Where(f => File.ReadAllText(Path.Combine(root, f)).Contains("[Quantized", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
            data.Add("file:" + file);
        return data;
    }

    [Theory]
    [MemberData(nameof(ValidDeclarations))]
    public void The_emitted_fields_are_the_core_topology(string declarations)
    {
        var source = declarations.StartsWith("snapshot:", StringComparison.Ordinal)
            ? "namespace Demo;\n\n" + SnapshotDeclarations.All[declarations["snapshot:".Length..]]
            : File.ReadAllText(Path.Combine(DiagnosticTests.RepositoryRoot(), declarations["file:".Length..]));
        var models = GeneratedSpecs(source);
        Assert.NotEmpty(models);
        foreach (var (spec, fields) in models)
        {
            var topology = Spec.stages(spec).Select(s => s.Name).ToList();
            Assert.Equal(topology, fields);
        }
    }

    private static ModelSpec Read(string json)
    {
        var result = Spec.ofJson(json);
        Assert.True(result.IsOk, result.IsOk ? "" : result.ErrorValue);
        return result.ResultValue;
    }

    private static int assemblies;

    /// <summary>
    /// Runs the generator over the declarations, compiles them with the generated sources, loads
    /// the result and returns each model's generated <c>Spec</c> with the module fields its
    /// generated source declares, in order.
    /// </summary>
    private static List<(ModelSpec Spec, List<string> Fields)> GeneratedSpecs(string declarations)
    {
        var run = GeneratorHarness.Run("using Qnn;\n" + declarations);
        Assert.Empty(run.Diagnostics);
        var compilation = run.Compilation
            .WithAssemblyName($"ConsistencyModels{Interlocked.Increment(ref assemblies)}")
            .AddSyntaxTrees(run.Sources.Select(s => s.SyntaxTree));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        image.Position = 0;
        var assembly = AssemblyLoadContext.Default.LoadFromStream(image);

        var models = new List<(ModelSpec, List<string>)>();
        foreach (var source in run.Sources)
        {
            var text = source.SourceText.ToString();
            var fields = Regex.Matches(text, @"^\s*private readonly \S+ (\w+);$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
            var typeName = source.HintName[..^".g.cs".Length];
            var type = assembly.GetTypes().Single(t => t.FullName!.Replace('+', '.') == typeName);
            var spec = (ModelSpec)type.GetProperty("Spec", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            models.Add((spec, fields));
        }
        return models;
    }
}
