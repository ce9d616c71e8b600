using Qnn.Search.Trials;

namespace Qnn.Search.Costs;

/// <summary>Every cost model of a spec at once, and the one a search optimizes. Each is a pure
/// function of a valid spec (nothing is built or trained).</summary>
public static class CostModels
{
    /// <summary>The spec's complexity, bit-operations and bytes.</summary>
    public static TrialCosts Of(ModelSpec spec) =>
        new(ComplexityCost.Of(spec), BitopsCost.Of(spec), BytesCost.Of(spec));

    /// <summary>The cost of <paramref name="costs"/> in model <paramref name="model"/>.</summary>
    public static double Pick(TrialCosts costs, CostModel model) => model switch
    {
        CostModel.Complexity => costs.Complexity,
        CostModel.Bitops => costs.Bitops,
        CostModel.Bytes => costs.Bytes,
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "not a cost model"),
    };

    /// <summary>The cost model of a <c>--cost</c> name (complexity, bitops, bytes; any case), or null.</summary>
    public static CostModel? Named(string name) =>
        Enum.TryParse<CostModel>(name, ignoreCase: true, out var model) && !int.TryParse(name, out _) ? model : null;
}
