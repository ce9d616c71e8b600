extern alias generator;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Qnn.Generators.Tests;

/// <summary>What one run of the generator gave: its diagnostics, the sources and the compiled result's errors.</summary>
public sealed record GeneratorRun(
    ImmutableArray<Diagnostic> Diagnostics,
    ImmutableArray<GeneratedSourceResult> Sources,
    ImmutableArray<Diagnostic> CompilationErrors,
    GeneratorDriver Driver,
    CSharpCompilation Compilation);

/// <summary>Runs <see cref="generator::Qnn.Generators.QnnGenerator"/> over C# source with the references a Qnn user has.</summary>
public static class GeneratorHarness
{
    public const string FileName = "Models.cs";

    private static readonly MetadataReference[] References = Basic.Reference.Assemblies.Net100.References.All
        .Cast<MetadataReference>()
        .Concat(new[]
        {
            typeof(global::Qnn.QuantizedMlpAttribute).Assembly.Location,
            // The rule book: the DSL's enums (WeightQuant, Activation, QMode) live there.
            typeof(global::Qnn.WeightQuant).Assembly.Location,
            typeof(TorchSharp.torch).Assembly.Location,
            typeof(Microsoft.FSharp.Core.FSharpOption<>).Assembly.Location,
        }.Select(path => MetadataReference.CreateFromFile(path)))
        .ToArray();

    public static CSharpCompilation Compile(string source) => CSharpCompilation.Create(
        "UserModels",
        new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: FileName) },
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() => CSharpGeneratorDriver.Create(
        new[] { new generator::Qnn.Generators.QnnGenerator().AsSourceGenerator() },
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(string source) => Run(CreateDriver(), Compile(source));

    public static GeneratorRun Run(GeneratorDriver driver, CSharpCompilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult().Results.Single();
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        return new GeneratorRun(result.Diagnostics, result.GeneratedSources, errors, driver, compilation);
    }
}
