using Qnn.Search.Trials;

namespace Qnn.Search.Costs;

/// <summary>Every cost model of a spec at once, and the one a search optimizes. Each is a pure
/// function of a valid spec (and, for the device costs, the target).</summary>
public static class CostModels
{
    /// <summary>The spec's complexity, bit-operations and bytes, and with a
    /// <paramref name="target"/> its flash, RAM and instructions there.</summary>
    public static TrialCosts Of(ModelSpec spec, Qnn.Export.Device.DeviceTarget? target = null)
    {
        var costs = new TrialCosts(ComplexityCost.Of(spec), BitopsCost.Of(spec), BytesCost.Of(spec));
        if (target is null)
            return costs;
        var device = SpecDeviceCost.Of(spec, target);
        return costs with { Flash = device.Flash, Ram = device.Ram, Instructions = device.Instructions };
    }

    /// <summary>Whether a cost model needs a device target.</summary>
    public static bool OnDevice(CostModel model) => model is CostModel.Flash or CostModel.Ram or CostModel.Instructions;

    /// <summary>The cost of <paramref name="costs"/> in model <paramref name="model"/> (a device
    /// cost a trial lacks counts as the largest cost).</summary>
    public static double Pick(TrialCosts costs, CostModel model) => model switch
    {
        CostModel.Complexity => costs.Complexity,
        CostModel.Bitops => costs.Bitops,
        CostModel.Bytes => costs.Bytes,
        CostModel.Flash => costs.Flash ?? double.MaxValue,
        CostModel.Ram => costs.Ram ?? double.MaxValue,
        CostModel.Instructions => costs.Instructions ?? double.MaxValue,
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "not a cost model"),
    };

    /// <summary>The cost model of a <c>--cost</c> name (complexity, bitops, bytes, flash, ram, instructions; any case), or null.</summary>
    public static CostModel? Named(string name) =>
        Enum.TryParse<CostModel>(name, ignoreCase: true, out var model) && !int.TryParse(name, out _) ? model : null;
}
