using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Qnn.Generators.Diagnostics;

/// <summary>
/// Every diagnostic Qnn's generator reports, one descriptor per code of DESIGN.md's table. The
/// message is built by the rule that fires (it names the value and the rule), so each format is
/// "{0}". <c>Spec.validate</c> in the core reports the same codes for the same mistakes.
/// </summary>
public static class DiagnosticDescriptors
{
    private const string Category = "Qnn";

    /// <summary>Each code's page, in the repository's docs/diagnostics folder.</summary>
    private static string HelpLink(string id) => $"docs/diagnostics/{id}.md";

    private static DiagnosticDescriptor Error(string id, string title) =>
        new(id, title, "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    private static DiagnosticDescriptor Warning(string id, string title) =>
        new(id, title, "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    public static readonly DiagnosticDescriptor ModelNotPartial = Error("QNN001", "A model class must be partial");
    public static readonly DiagnosticDescriptor InputOrModelAttributeCount = Error("QNN002", "A model needs exactly one input attribute of its kind and one model attribute");
    public static readonly DiagnosticDescriptor LayerOrder = Error("QNN003", "A model needs a Dense output layer; Conv only in a CNN, before any Dense");
    public static readonly DiagnosticDescriptor SizeOutOfRange = Error("QNN004", "Sizes must be positive and padding not negative");
    /// <summary>An error for a missing or out-of-range width; reported as a warning where Bits is set on a weight mode that ignores it.</summary>
    public static readonly DiagnosticDescriptor BitWidth = Error("QNN005", "Bit width out of range, missing or ignored");
    public static readonly DiagnosticDescriptor FeatureBits = Error("QNN006", "FeatureBits needs one width of 1..32 per input feature");
    public static readonly DiagnosticDescriptor Dropout = Error("QNN007", "Dropout must be in [0, 1)");
    public static readonly DiagnosticDescriptor ResteParameters = Error("QNN008", "ReSTE needs o >= 1 and threshold > 0");
    public static readonly DiagnosticDescriptor EmptyConvOutput = Error("QNN009", "A conv block's output would be empty");
    public static readonly DiagnosticDescriptor Groups = Error("QNN010", "Groups must divide the block's input and output channels");
    public static readonly DiagnosticDescriptor UnsupportedClassShape = Error("QNN011", "A model class cannot be generic, nested in a generic type, or declare a base class");
    public static readonly DiagnosticDescriptor OutputActivation = Warning("QNN012", "An activation declared on the output layer is ignored");
    public static readonly DiagnosticDescriptor ActivationParameters = Error("QNN013", "ActivationBits only with Activation.NBits, 1..31; SwishSign beta > 0");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[]
    {
        ModelNotPartial, InputOrModelAttributeCount, LayerOrder, SizeOutOfRange, BitWidth, FeatureBits, Dropout,
        ResteParameters, EmptyConvOutput, Groups, UnsupportedClassShape, OutputActivation, ActivationParameters,
    };

    /// <summary>The descriptor for a code.</summary>
    public static DiagnosticDescriptor ById(string id) => All.First(d => d.Id == id);
}
