using System.Collections.Generic;
using System.Linq;

namespace Qnn.Rules;

/// <summary>Every rule of docs/diagnostics.md, one per code, in code order. The generator makes its
/// diagnostic descriptors from these and the core its <c>SpecDiagnostic</c>s, so both report the
/// same code, severity and text for the same mistake. QNN001 and QNN011 are about C# classes and
/// only a declaration can break them. Each rule's code, title and format are constants too: the
/// generator's descriptors are built from them where the compiler's analyzer-release tracking
/// (src/Generators/AnalyzerReleases.*.md) can read them.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
static class RuleCatalog
{
    public const string NotPartialCode = "QNN001";
    public const string NotPartialTitle = "A model class must be partial";
    public const string NotPartialFormat = "type {0} must be declared partial, so the generator can add the members of model class {1}";
    public static readonly Rule NotPartial = new(NotPartialCode, true, NotPartialTitle, NotPartialFormat);

    public const string AttributeCountCode = "QNN002";
    public const string AttributeCountTitle = "A model needs exactly one input attribute of its kind and one model attribute";
    public const string AttributeCountFormat = "model {0} has {1}; it needs exactly one {2}";
    public static readonly Rule AttributeCount = new(AttributeCountCode, true, AttributeCountTitle, AttributeCountFormat);

    public const string LayerOrderCode = "QNN003";
    public const string LayerOrderTitle = "A model needs a Dense output layer; Conv only in a CNN, before any Dense";
    public const string LayerOrderFormat = "{0}; a model needs a Dense output layer, and Conv blocks only in a [QuantizedCnn], before any Dense";
    public static readonly Rule LayerOrder = new(LayerOrderCode, true, LayerOrderTitle, LayerOrderFormat);

    public const string SizeOutOfRangeCode = "QNN004";
    public const string SizeOutOfRangeTitle = "Sizes must be positive and padding not negative";
    public const string SizeOutOfRangeFormat = "{0} is {1}; it must be {2}";
    public static readonly Rule SizeOutOfRange = new(SizeOutOfRangeCode, true, SizeOutOfRangeTitle, SizeOutOfRangeFormat);

    public const string BitWidthCode = "QNN005";
    public const string BitWidthTitle = "Bit width out of range or missing";
    public const string BitWidthFormat = "{0} has {1}; {2} take {3}..{4} bits";
    public static readonly Rule BitWidth = new(BitWidthCode, true, BitWidthTitle, BitWidthFormat);

    public const string FeatureBitsCode = "QNN006";
    public const string FeatureBitsTitle = "FeatureBits needs one width of 1..32 per input feature";
    public const string FeatureBitsFormat = "{0}; FeatureBits needs one width of 1..32 bits per input feature";
    public static readonly Rule FeatureBits = new(FeatureBitsCode, true, FeatureBitsTitle, FeatureBitsFormat);

    public const string DropoutCode = "QNN007";
    public const string DropoutTitle = "Dropout must be in [0, 1)";
    public const string DropoutFormat = "Dropout is {0}; it must be in [0, 1)";
    public static readonly Rule Dropout = new(DropoutCode, true, DropoutTitle, DropoutFormat);

    public const string ResteParametersCode = "QNN008";
    public const string ResteParametersTitle = "ReSTE needs o >= 1 and threshold > 0";
    public const string ResteParametersFormat = "{0} is {1}; ReSTE needs o >= 1 and threshold > 0";
    public static readonly Rule ResteParameters = new(ResteParametersCode, true, ResteParametersTitle, ResteParametersFormat);

    public const string EmptyConvOutputCode = "QNN009";
    public const string EmptyConvOutputTitle = "A conv block's output would be empty";
    public const string EmptyConvOutputFormat = "{0} outputs {1}×{2} from a {3}×{4} input (kernel {5}, stride {6}, padding {7}, dilation {8}, pool {9}); a conv block's output must not be empty";
    public static readonly Rule EmptyConvOutput = new(EmptyConvOutputCode, true, EmptyConvOutputTitle, EmptyConvOutputFormat);

    public const string GroupsCode = "QNN010";
    public const string GroupsTitle = "Groups must divide the block's input and output channels";
    public const string GroupsFormat = "{0} has Groups = {1}, which does not divide its {2} input and {3} output channels";
    public static readonly Rule Groups = new(GroupsCode, true, GroupsTitle, GroupsFormat);

    public const string UnsupportedClassShapeCode = "QNN011";
    public const string UnsupportedClassShapeTitle = "A model class cannot be generic, nested in a generic type, or declare a base class";
    public const string UnsupportedClassShapeFormat = "model class {0} {1}; a model class cannot be generic, nested in a generic type, or declare a base class";
    public static readonly Rule UnsupportedClassShape = new(UnsupportedClassShapeCode, true, UnsupportedClassShapeTitle, UnsupportedClassShapeFormat);

    public const string OutputActivationCode = "QNN012";
    public const string OutputActivationTitle = "An activation declared on the output layer is ignored";
    public const string OutputActivationFormat = "{0} is the output layer; its Activation = {1} is ignored (outputs are logits)";
    public static readonly Rule OutputActivation = new(OutputActivationCode, false, OutputActivationTitle, OutputActivationFormat);

    public const string ActivationBitsRangeCode = "QNN013";
    public const string ActivationBitsRangeTitle = "ActivationBits must be 1..31";
    public const string ActivationBitsRangeFormat = "{0} has ActivationBits = {1}; NBits activations take 1..31 bits";
    public static readonly Rule ActivationBitsRange = new(ActivationBitsRangeCode, true, ActivationBitsRangeTitle, ActivationBitsRangeFormat);

    public const string SizeLimitCode = "QNN014";
    public const string SizeLimitTitle = "A model must stay within Qnn's size limits";
    public const string SizeLimitFormat = "{0} is {1}; it must be at most {2}";
    public static readonly Rule SizeLimit = new(SizeLimitCode, true, SizeLimitTitle, SizeLimitFormat);

    public const string IgnoredWeightBitsCode = "QNN015";
    public const string IgnoredWeightBitsTitle = "Bits set on a weight mode that ignores it";
    public const string IgnoredWeightBitsFormat = "{0} sets Bits = {1} on {2} weights; Bits applies only to NBits and is ignored";
    public static readonly Rule IgnoredWeightBits = new(IgnoredWeightBitsCode, false, IgnoredWeightBitsTitle, IgnoredWeightBitsFormat);

    public const string ActivationBitsPairingCode = "QNN016";
    public const string ActivationBitsPairingTitle = "ActivationBits and Activation.NBits go together";
    public const string ActivationBitsPairingFormat = "{0} has {1}; ActivationBits and Activation.NBits go together";
    public static readonly Rule ActivationBitsPairing = new(ActivationBitsPairingCode, true, ActivationBitsPairingTitle, ActivationBitsPairingFormat);

    public const string ActivationParameterCode = "QNN017";
    public const string ActivationParameterTitle = "SwishSign's beta and Ternarize's threshold must be positive";
    public const string ActivationParameterFormat = "{0} is {1}; {2} needs it > 0";
    public static readonly Rule ActivationParameter = new(ActivationParameterCode, true, ActivationParameterTitle, ActivationParameterFormat);

    /// <summary>Every rule, in code order.</summary>
    public static IReadOnlyList<Rule> All { get; } = new[]
    {
        NotPartial, AttributeCount, LayerOrder, SizeOutOfRange, BitWidth, FeatureBits, Dropout, ResteParameters,
        EmptyConvOutput, Groups, UnsupportedClassShape, OutputActivation, ActivationBitsRange, SizeLimit,
        IgnoredWeightBits, ActivationBitsPairing, ActivationParameter,
    };

    /// <summary>The rule with this code.</summary>
    public static Rule ByCode(string code) => All.First(r => r.Code == code);
}
