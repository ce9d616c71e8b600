using System.Linq;
using Microsoft.CodeAnalysis;
using Qnn.Generators.Analysis;
using Qnn.Generators.Emit;
using Qnn.Generators.Declarations;
using Qnn.Generators.Reading;

namespace Qnn.Generators;

/// <summary>
/// Turns each class marked [QuantizedMlp] or [QuantizedCnn] into a typed TorchSharp module.
/// Reading gives a location-free declaration and, apart, the locations of its sites. Analysis
/// and emission consume only the declaration, so they stay cached when lines above a model move;
/// a separate step pairs the analyses' diagnostics (which name sites) with the current locations
/// and reports them. A model with an error gets its diagnostics and no source.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class QnnGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for caching tests.</summary>
    public static class Steps
    {
        public const string ReadMlp = "ReadMlpDeclaration";
        public const string ReadCnn = "ReadCnnDeclaration";
        public const string Declaration = "ModelDeclaration";
        public const string Analyze = "AnalyzeModel";
        public const string Emit = "EmitModel";
        public const string Locations = "ModelLocations";
        public const string Diagnostics = "ReportDiagnostics";
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

    private static void Register(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ModelRead?> reads)
    {
        var kept = reads.Where(static r => r is not null).Select(static (r, _) => r!);
        var analyses = kept
            .Select(static (r, _) => r.Declaration)
            .WithTrackingName(Steps.Declaration)
            .Select(static (d, _) => ModelAnalyzer.Analyze(d))
            .WithTrackingName(Steps.Analyze);

        var models = analyses
            .Where(static a => a.Model is not null)
            .Select(static (a, _) => a.Model!)
            .WithTrackingName(Steps.Emit);
        context.RegisterSourceOutput(models, static (output, model) =>
            output.AddSource(ModelEmitter.HintName(model), ModelEmitter.Emit(model)));

        // Diagnostics name sites; the locations are joined here, on their own branch, so that
        // moving lines re-reports diagnostics without re-running analysis or emission.
        var locations = kept.Select(static (r, _) => r.Locations).WithTrackingName(Steps.Locations).Collect();
        var diagnostics = analyses
            .Where(static a => a.Diagnostics.Count > 0)
            .Collect()
            .Combine(locations)
            .WithTrackingName(Steps.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (output, pair) =>
        {
            var (withDiagnostics, allLocations) = pair;
            foreach (var analysis in withDiagnostics)
            {
                var sites = allLocations.FirstOrDefault(l => l.ModelKey == analysis.ModelKey);
                foreach (var diagnostic in analysis.Diagnostics)
                    output.ReportDiagnostic(diagnostic.ToDiagnostic(sites));
            }
        });
    }
}
