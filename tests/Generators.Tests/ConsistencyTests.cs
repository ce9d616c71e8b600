using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Qnn.Generators.Analysis;
using GeneratorDefaults = Qnn.Generators.Analysis.DslDefaults;
using Qnn.Generators.Diagnostics;
using Xunit;

namespace Qnn.Generators.Tests;

/// <summary>
/// The netstandard2.0 generator cannot load the F# core, so it keeps its own copy of the DSL's
/// facts. These tests compare the copy with the core: the diagnostic catalog (codes, severities,
/// titles, message formats), the diagnostics of every corpus case against <c>Spec.validate</c> on
/// its JSON twin (codes, severities and message texts), the defaults, the enum name tables, and
/// the emitted field names against the core's stage names (<c>Spec.stages</c>) for valid declarations.
/// </summary>
public class ConsistencyTests
{
    private static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "Corpus");

    [Fact]
    public void The_descriptors_are_the_core_catalog()
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
        // The generator's copy against the core's one definition ...
        Assert.Equal((int)DslDefaults.Activation, GeneratorDefaults.Activation);
        Assert.Equal((int)DslDefaults.QMode, GeneratorDefaults.QMode);
        Assert.Equal((int)DslDefaults.WeightQuant, GeneratorDefaults.WeightQuant);
        Assert.Equal(
            new object[] { DslDefaults.Dropout, DslDefaults.ResteO, DslDefaults.ResteThreshold, DslDefaults.SwishBeta, DslDefaults.TernaryThreshold },
            new object[] { GeneratorDefaults.Dropout, GeneratorDefaults.ResteO, GeneratorDefaults.ResteThreshold, GeneratorDefaults.SwishBeta, GeneratorDefaults.TernaryThreshold });
        Assert.Equal(
            new object[] { DslDefaults.InputBits, DslDefaults.ImageBits, DslDefaults.ImageChannels, DslDefaults.Scaled, DslDefaults.Kernel, DslDefaults.Stride, DslDefaults.Padding, DslDefaults.Dilation, DslDefaults.Groups, DslDefaults.Pool },
            new object[] { GeneratorDefaults.InputBits, GeneratorDefaults.ImageBits, GeneratorDefaults.ImageChannels, GeneratorDefaults.Scaled, GeneratorDefaults.Kernel, GeneratorDefaults.Stride, GeneratorDefaults.Padding, GeneratorDefaults.Dilation, GeneratorDefaults.Groups, GeneratorDefaults.Pool });

        // ... and against what a user sees: fresh attributes, SpecDefaults and the JSON reader.
        var model = new QuantizedMlpAttribute();
        var dense = new DenseAttribute(2);
        var conv = new ConvAttribute(4);
        var image = new ImageInputAttribute();
        Assert.Equal(
            new object[] { GeneratorDefaults.Activation, GeneratorDefaults.QMode, GeneratorDefaults.Dropout, GeneratorDefaults.ResteO, GeneratorDefaults.ResteThreshold, GeneratorDefaults.SwishBeta, GeneratorDefaults.TernaryThreshold },
            new object[] { (int)model.Activation, (int)model.QMode, model.Dropout, model.ResteO, model.ResteThreshold, model.SwishBeta, model.TernaryThreshold });
        Assert.Equal(
            new object[] { GeneratorDefaults.InputBits, GeneratorDefaults.ImageBits, GeneratorDefaults.ImageChannels, GeneratorDefaults.WeightQuant, GeneratorDefaults.Scaled, GeneratorDefaults.WeightQuant, GeneratorDefaults.Scaled },
            new object[] { new InputAttribute(3).Bits, image.Bits, image.Channels, (int)dense.Weights, dense.Scaled, (int)conv.Weights, conv.Scaled });
        Assert.Equal(
            new[] { GeneratorDefaults.Kernel, GeneratorDefaults.Stride, GeneratorDefaults.Padding, GeneratorDefaults.Dilation, GeneratorDefaults.Groups, GeneratorDefaults.Pool },
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
    public void The_generator_limits_are_the_core_limits()
    {
        Assert.Equal(
            new object[] { Qnn.Limits.MaxNameLength, Qnn.Limits.MaxParameters, Qnn.Limits.MaxActivationsPerSample },
            new object[] { Qnn.Generators.Analysis.Limits.MaxNameLength, Qnn.Generators.Analysis.Limits.MaxParameters, Qnn.Generators.Analysis.Limits.MaxActivationsPerSample });
        // The documented values: 256 characters, 2^31 - 1 parameters, 2^28 values per sample.
        Assert.Equal(new object[] { 256, (long)int.MaxValue, 1L << 28 },
            new object[] { Qnn.Generators.Analysis.Limits.MaxNameLength, Qnn.Generators.Analysis.Limits.MaxParameters, Qnn.Generators.Analysis.Limits.MaxActivationsPerSample });
    }

    [Fact]
    public void The_generator_enum_names_are_the_core_enums()
    {
        AssertNames<WeightQuant>(DslNames.WeightQuant);
        AssertNames<Activation>(DslNames.Activation);
        AssertNames<QMode>(DslNames.QMode);
    }

    private static void AssertNames<TEnum>(IReadOnlyList<string> generator)
        where TEnum : struct, Enum
    {
        var values = Enum.GetValues<TEnum>().OrderBy(v => Convert.ToInt32(v)).ToList();
        Assert.Equal(values.Select(v => v.ToString()), generator);
        Assert.Equal(Enumerable.Range(0, values.Count), values.Select(v => Convert.ToInt32(v)));
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
