using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Qnn.Generators.Diagnostics;

/// <summary>
/// Every diagnostic Qnn's generator reports: one descriptor per rule and severity, each with a
/// message format whose arguments are the facts of the mistake (names and values) and whose
/// fixed text states the rule. <c>Qnn.Validation.rules</c> in the core holds the same codes,
/// severities and formats, and reports the same texts for the same mistakes; a consistency test
/// compares the two (tests/Generators.Tests/ConsistencyTests.cs).
/// </summary>
public static class DiagnosticDescriptors
{
    private const string Category = "Qnn";

    /// <summary>Each code's page, in the repository's docs/diagnostics folder.</summary>
    private static string HelpLink(string id) => $"docs/diagnostics/{id}.md";

    private static DiagnosticDescriptor Error(string id, string title, string format) =>
        new(id, title, format, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    private static DiagnosticDescriptor Warning(string id, string title, string format) =>
        new(id, title, format, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    public static readonly DiagnosticDescriptor ModelNotPartial = Error("QNN001",
        "A model class must be partial",
        "type {0} must be declared partial, so the generator can add the members of model class {1}");

    public static readonly DiagnosticDescriptor InputOrModelAttributeCount = Error("QNN002",
        "A model needs exactly one input attribute of its kind and one model attribute",
        "model {0} has {1}; it needs exactly one {2}");

    public static readonly DiagnosticDescriptor LayerOrder = Error("QNN003",
        "A model needs a Dense output layer; Conv only in a CNN, before any Dense",
        "{0}; a model needs a Dense output layer, and Conv blocks only in a [QuantizedCnn], before any Dense");

    public static readonly DiagnosticDescriptor SizeOutOfRange = Error("QNN004",
        "Sizes must be positive and padding not negative",
        "{0} is {1}; it must be {2}");

    public static readonly DiagnosticDescriptor BitWidth = Error("QNN005",
        "Bit width out of range or missing",
        "{0} has {1}; {2} take {3}..{4} bits");

    public static readonly DiagnosticDescriptor FeatureBits = Error("QNN006",
        "FeatureBits needs one width of 1..32 per input feature",
        "{0}; FeatureBits needs one width of 1..32 bits per input feature");

    public static readonly DiagnosticDescriptor Dropout = Error("QNN007",
        "Dropout must be in [0, 1)",
        "Dropout is {0}; it must be in [0, 1)");

    public static readonly DiagnosticDescriptor ResteParameters = Error("QNN008",
        "ReSTE needs o >= 1 and threshold > 0",
        "{0} is {1}; ReSTE needs o >= 1 and threshold > 0");

    public static readonly DiagnosticDescriptor EmptyConvOutput = Error("QNN009",
        "A conv block's output would be empty",
        "{0} outputs {1}×{2} from a {3}×{4} input (kernel {5}, stride {6}, padding {7}, dilation {8}, pool {9}); a conv block's output must not be empty");

    public static readonly DiagnosticDescriptor Groups = Error("QNN010",
        "Groups must divide the block's input and output channels",
        "{0} has Groups = {1}, which does not divide its {2} input and {3} output channels");

    public static readonly DiagnosticDescriptor UnsupportedClassShape = Error("QNN011",
        "A model class cannot be generic, nested in a generic type, or declare a base class",
        "model class {0} {1}; a model class cannot be generic, nested in a generic type, or declare a base class");

    public static readonly DiagnosticDescriptor OutputActivation = Warning("QNN012",
        "An activation declared on the output layer is ignored",
        "{0} is the output layer; its Activation = {1} is ignored (outputs are logits)");

    public static readonly DiagnosticDescriptor ActivationBitsRange = Error("QNN013",
        "ActivationBits must be 1..31",
        "{0} has ActivationBits = {1}; NBits activations take 1..31 bits");

    public static readonly DiagnosticDescriptor SizeLimit = Error("QNN014",
        "A model must stay within Qnn's size limits",
        "{0} is {1}; it must be at most {2}");

    public static readonly DiagnosticDescriptor IgnoredWeightBits = Warning("QNN015",
        "Bits set on a weight mode that ignores it",
        "{0} sets Bits = {1} on {2} weights; Bits applies only to NBits and is ignored");

    public static readonly DiagnosticDescriptor ActivationBitsPairing = Error("QNN016",
        "ActivationBits and Activation.NBits go together",
        "{0} has {1}; ActivationBits and Activation.NBits go together");

    public static readonly DiagnosticDescriptor ActivationParameter = Error("QNN017",
        "SwishSign's beta and Ternarize's threshold must be positive",
        "{0} is {1}; {2} needs it > 0");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[]
    {
        ModelNotPartial, InputOrModelAttributeCount, LayerOrder, SizeOutOfRange, BitWidth, FeatureBits, Dropout,
        ResteParameters, EmptyConvOutput, Groups, UnsupportedClassShape, OutputActivation, ActivationBitsRange,
        SizeLimit, IgnoredWeightBits, ActivationBitsPairing, ActivationParameter,
    };

    /// <summary>The descriptor for a code.</summary>
    public static DiagnosticDescriptor ById(string id) => All.First(d => d.Id == id);
}
