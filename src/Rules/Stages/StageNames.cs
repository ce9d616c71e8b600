using System;

namespace Qnn.Rules;

/// <summary>Stage names: <c>input</c>, <c>downscale</c>, <c>flatten</c>, and per layer number n (1-based)
/// <c>conv{n}</c> or <c>fc{n}</c> with its <c>bn{n}</c>, <c>drop{n}</c>, <c>act{n}</c> and
/// <c>pool{n}</c>. They are the state_dict prefixes of <c>Spec.build</c>'s network and the fields
/// the generator emits, so either module loads the other's weights.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
static class StageNames
{
    public const string Input = "input";
    public const string Flatten = "flatten";
    public const string Downscale = "downscale";

    /// <summary>The name of a stage of kind <paramref name="kind"/> of layer number <paramref name="number"/> (1-based).</summary>
    public static string Of(StageKind kind, int number) => kind switch
    {
        StageKind.Input => Input,
        StageKind.Flatten => Flatten,
        StageKind.Downscale => Downscale,
        // Concatenation rather than interpolation: a spec of 200,000 layers names 600,000 stages.
        StageKind.Conv => "conv" + number,
        StageKind.Dense => "fc" + number,
        StageKind.BatchNorm => "bn" + number,
        StageKind.Dropout => "drop" + number,
        StageKind.Activation => "act" + number,
        StageKind.MaxPool => "pool" + number,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown stage kind"),
    };

    /// <summary>A layer's main module: <c>conv{n}</c> or <c>fc{n}</c> (n 1-based).</summary>
    public static string Layer(bool isConv, int number) => Of(isConv ? StageKind.Conv : StageKind.Dense, number);
}
