using System.Collections.Generic;
using System.Globalization;

namespace Qnn.Generators.Analysis;

/// <summary>
/// The names of the core's enums by value (<c>Qnn.WeightQuant</c>, <c>Qnn.Activation</c>,
/// <c>Qnn.QMode</c>): the generator reads enum arguments as integers and cannot load the core,
/// so it keeps this copy; the consistency test compares it with the enums themselves.
/// </summary>
public static class DslNames
{
    public static IReadOnlyList<string> WeightQuant { get; } = new[] { "None", "NBits", "Binary", "Ternary" };

    public static IReadOnlyList<string> Activation { get; } =
        new[] { "None", "Relu", "Binarize", "BinarizeReste", "BinarizeApprox", "BinarizeSwish", "Ternarize", "NBits" };

    public static IReadOnlyList<string> QMode { get; } = new[] { "Deterministic", "Stochastic" };

    /// <summary>The member's name, or the number itself for a value the enum does not define.</summary>
    public static string NameOf(IReadOnlyList<string> names, long value) =>
        value >= 0 && value < names.Count ? names[(int)value] : value.ToString(CultureInfo.InvariantCulture);
}
