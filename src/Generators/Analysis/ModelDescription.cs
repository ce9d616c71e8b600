using Qnn.Generators.Declarations;

namespace Qnn.Generators.Analysis;

/// <summary>The resolved input of a valid model: feature count and widths, or an image.</summary>
internal sealed record InputDescription(
    bool IsImage,
    int Features,
    int Bits,
    EquatableArray<int> FeatureBits,
    bool HasFeatureBits,
    int Channels,
    int Height,
    int Width,
    int Downscale);

/// <summary>
/// One Dense or Conv layer of a valid model, with everything the emitter writes: the declared
/// values (<c>Declared*</c> are null where the declaration left them out, as the spec's options),
/// its shapes and cost. Its modules are the model's <see cref="ModelDescription.Stages"/>.
/// </summary>
internal sealed record LayerDescription(
    int Index,
    bool IsConv,
    int Size,
    int Kernel,
    int Stride,
    int Padding,
    int Dilation,
    int Groups,
    int Pool,
    string Weights,
    int? DeclaredBits,
    bool Scaled,
    string? DeclaredActivation,
    int? DeclaredActivationBits,
    bool IsOutput,
    EquatableArray<int> InputShape,
    EquatableArray<int> OutputShape,
    long Parameters,
    long WeightBits,
    string EffectiveActivation)
{
    public int Number => Index + 1;
    public string Name => Rules.StageNames.Layer(IsConv, Number);
}

/// <summary>One module of the generated class, as the rule book's planner names it: its kind
/// (a <c>StageKind</c> name), its field name and the layer it belongs to (-1 for the input).</summary>
internal sealed record StageDescription(string Kind, string Name, int Layer);

/// <summary>A model that passed every rule: what the emitter needs, as plain values.</summary>
internal sealed record ModelDescription(
    string? Namespace,
    string ClassName,
    EquatableArray<ContainingType> ContainingTypes,
    bool IsCnn,
    InputDescription Input,
    EquatableArray<LayerDescription> Layers,
    EquatableArray<StageDescription> Stages,
    string Activation,
    int? ActivationBits,
    string QMode,
    double Dropout,
    double ResteO,
    double ResteThreshold,
    double SwishBeta,
    double TernaryThreshold,
    int FlattenedFeatures,
    int OutputFeatures);

/// <summary>
/// The second stage's result for the model <paramref name="ModelKey"/>: the description (null when
/// an error was found) and the diagnostics, which point at sites rather than positions.
/// </summary>
internal sealed record ModelAnalysis(string ModelKey, ModelDescription? Model, EquatableArray<DiagnosticInfo> Diagnostics);
