using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Qnn.Rules;

namespace Qnn.Generators.Diagnostics;

/// <summary>
/// The compiler's descriptors of the rule book's catalogue (<see cref="RuleCatalog"/>, shared
/// with the core): one per rule, from the catalogue's constants (which the compiler's
/// analyzer-release tracking reads, AnalyzerReleases.*.md), with a help link to its page in
/// docs/diagnostics. A test checks each descriptor's severity against its rule's.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Qnn";

    private static string HelpLink(string id) => $"docs/diagnostics/{id}.md";

    private static DiagnosticDescriptor Error(string id, string title, string format) =>
        new(id, title, format, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    private static DiagnosticDescriptor Warning(string id, string title, string format) =>
        new(id, title, format, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    public static readonly DiagnosticDescriptor NotPartial = Error(RuleCatalog.NotPartialCode, RuleCatalog.NotPartialTitle, RuleCatalog.NotPartialFormat);
    public static readonly DiagnosticDescriptor AttributeCount = Error(RuleCatalog.AttributeCountCode, RuleCatalog.AttributeCountTitle, RuleCatalog.AttributeCountFormat);
    public static readonly DiagnosticDescriptor LayerOrder = Error(RuleCatalog.LayerOrderCode, RuleCatalog.LayerOrderTitle, RuleCatalog.LayerOrderFormat);
    public static readonly DiagnosticDescriptor SizeOutOfRange = Error(RuleCatalog.SizeOutOfRangeCode, RuleCatalog.SizeOutOfRangeTitle, RuleCatalog.SizeOutOfRangeFormat);
    public static readonly DiagnosticDescriptor BitWidth = Error(RuleCatalog.BitWidthCode, RuleCatalog.BitWidthTitle, RuleCatalog.BitWidthFormat);
    public static readonly DiagnosticDescriptor FeatureBits = Error(RuleCatalog.FeatureBitsCode, RuleCatalog.FeatureBitsTitle, RuleCatalog.FeatureBitsFormat);
    public static readonly DiagnosticDescriptor Dropout = Error(RuleCatalog.DropoutCode, RuleCatalog.DropoutTitle, RuleCatalog.DropoutFormat);
    public static readonly DiagnosticDescriptor ResteParameters = Error(RuleCatalog.ResteParametersCode, RuleCatalog.ResteParametersTitle, RuleCatalog.ResteParametersFormat);
    public static readonly DiagnosticDescriptor EmptyConvOutput = Error(RuleCatalog.EmptyConvOutputCode, RuleCatalog.EmptyConvOutputTitle, RuleCatalog.EmptyConvOutputFormat);
    public static readonly DiagnosticDescriptor Groups = Error(RuleCatalog.GroupsCode, RuleCatalog.GroupsTitle, RuleCatalog.GroupsFormat);
    public static readonly DiagnosticDescriptor UnsupportedClassShape = Error(RuleCatalog.UnsupportedClassShapeCode, RuleCatalog.UnsupportedClassShapeTitle, RuleCatalog.UnsupportedClassShapeFormat);
    public static readonly DiagnosticDescriptor OutputActivation = Warning(RuleCatalog.OutputActivationCode, RuleCatalog.OutputActivationTitle, RuleCatalog.OutputActivationFormat);
    public static readonly DiagnosticDescriptor ActivationBitsRange = Error(RuleCatalog.ActivationBitsRangeCode, RuleCatalog.ActivationBitsRangeTitle, RuleCatalog.ActivationBitsRangeFormat);
    public static readonly DiagnosticDescriptor SizeLimit = Error(RuleCatalog.SizeLimitCode, RuleCatalog.SizeLimitTitle, RuleCatalog.SizeLimitFormat);
    public static readonly DiagnosticDescriptor IgnoredWeightBits = Warning(RuleCatalog.IgnoredWeightBitsCode, RuleCatalog.IgnoredWeightBitsTitle, RuleCatalog.IgnoredWeightBitsFormat);
    public static readonly DiagnosticDescriptor ActivationBitsPairing = Error(RuleCatalog.ActivationBitsPairingCode, RuleCatalog.ActivationBitsPairingTitle, RuleCatalog.ActivationBitsPairingFormat);
    public static readonly DiagnosticDescriptor ActivationParameter = Error(RuleCatalog.ActivationParameterCode, RuleCatalog.ActivationParameterTitle, RuleCatalog.ActivationParameterFormat);

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[]
    {
        NotPartial, AttributeCount, LayerOrder, SizeOutOfRange, BitWidth, FeatureBits, Dropout,
        ResteParameters, EmptyConvOutput, Groups, UnsupportedClassShape, OutputActivation, ActivationBitsRange,
        SizeLimit, IgnoredWeightBits, ActivationBitsPairing, ActivationParameter,
    };

    /// <summary>The descriptor for a code.</summary>
    public static DiagnosticDescriptor ById(string id) => All.First(d => d.Id == id);
}
