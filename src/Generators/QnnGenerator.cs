using System.Linq;
using Microsoft.CodeAnalysis;
using Qnn.Generators.Analysis;
using Qnn.Generators.Emit;
using Qnn.Generators.Model;
using Qnn.Generators.Reading;

namespace Qnn.Generators;

/// <summary>
/// Turns each class marked [QuantizedMlp] or [QuantizedCnn] into a typed TorchSharp module.
/// Three stages, each cached on plain values: read the declaration, analyze it (rules, shapes,
/// cost), emit source. A model with an error gets its diagnostics and no source.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class QnnGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for caching tests.</summary>
    public static class Steps
    {
        public const string ReadMlp = "ReadMlpDeclaration";
        public const string ReadCnn = "ReadCnnDeclaration";
        public const string KeepModels = "KeepModelDeclarations";
        public const string Analyze = "AnalyzeModel";
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var mlps = context.SyntaxProvider.ForAttributeWithMetadataName(
                DeclarationReader.MlpAttribute,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                static (ctx, ct) => DeclarationReader.Read(ctx, DeclarationReader.MlpAttribute, ct))
            .WithTrackingName(Steps.ReadMlp);
        var cnns = context.SyntaxProvider.ForAttributeWithMetadataName(
                DeclarationReader.CnnAttribute,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                static (ctx, ct) => DeclarationReader.Read(ctx, DeclarationReader.CnnAttribute, ct))
            .WithTrackingName(Steps.ReadCnn);

        Register(context, mlps);
        Register(context, cnns);
    }

    private static void Register(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ModelDeclaration?> declarations)
    {
        var analyses = declarations
            .Where(static d => d is not null)
            .WithTrackingName(Steps.KeepModels)
            .Select(static (d, _) => ModelAnalyzer.Analyze(d!))
            .WithTrackingName(Steps.Analyze);
        context.RegisterSourceOutput(analyses, static (output, analysis) =>
        {
            foreach (var diagnostic in analysis.Diagnostics)
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            if (analysis.Model is { } model)
                output.AddSource(ModelEmitter.HintName(model), ModelEmitter.Emit(model));
        });
    }
}
