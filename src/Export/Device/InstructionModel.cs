namespace Qnn.Export.Device;

/// <summary>
/// Instructions one prediction from codes executes on a core: for each kind of layer function
/// (<see cref="LayerCode"/>) a price per call, per inner-loop step, per output and per gathered
/// window element (<see cref="LayerWork"/>), plus a fixed cost per prediction. The prices were
/// fitted, a layer at a time (non-negative least squares on relative errors), to exact counts
/// under QEMU of gcc -Os code for the core with each layer kept its own function
/// (targets/profile-functions.sh, tests/Host.Tests/DeviceCostTests.cs with
/// QNN_DEVICE_CALIBRATION), and the whole prediction is checked against the count of the
/// normal build in the same test: an estimate that ranks candidates, not a cycle count (QEMU is
/// not cycle-accurate, real parts add wait states, and inlining moves a layer's cost by up to
/// about 15%).
/// </summary>
/// <param name="Fixed">Instructions of a prediction outside the layers (the calls, the arg-max).</param>
/// <param name="Prices">Each kind's prices.</param>
public sealed record InstructionModel(double Fixed, IReadOnlyDictionary<LayerCode, InstructionModel.Price> Prices)
{
    /// <summary>A kind's prices: a call, an inner-loop step, an output, a gathered window element.</summary>
    public sealed record Price(double Call, double Inner, double Output, double Gather);

    /// <summary>gcc -Os for a Cortex-M4F: a multiplier and a single-precision FPU (the real sums'
    /// double arithmetic is soft-float), no popcount instruction.</summary>
    public static readonly InstructionModel CortexM4 = new(100, new Dictionary<LayerCode, Price>
    {
        [LayerCode.DenseOnSigns] = new(0, 20.3, 5.9, 0), [LayerCode.DenseTernaryOnSigns] = new(0, 25.1, 0, 0),
        [LayerCode.DenseOnCodes] = new(0, 12.4, 0, 0), [LayerCode.DenseIntegers] = new(0, 13.2, 12.5, 0),
        [LayerCode.DenseIntegersOnSigns] = new(0, 19.1, 0, 0), [LayerCode.DenseTernary] = new(0, 12.5, 0, 0),
        [LayerCode.DenseFloats] = new(0, 7.2, 0, 0), [LayerCode.DenseReals] = new(5421, 119, 0, 0),
        [LayerCode.ConvOnCodes] = new(0, 7.6, 21, 10.3), [LayerCode.ConvOnSigns] = new(0, 5.5, 12.9, 81.4),
        [LayerCode.ConvOnSignsPadded] = new(21734, 22.33, 4.45, 56.63), [LayerCode.ConvIntegers] = new(0, 19.3, 0, 0),
        [LayerCode.ConvReals] = new(0, 138, 0, 0), [LayerCode.Pool] = new(947, 6.5, 0, 0),
    });

    /// <summary>gcc -Os for RV32EC: no multiplier (the C's own shift-and-add for weights, libgcc's
    /// __mulsi3 elsewhere), soft float, no popcount instruction.</summary>
    public static readonly InstructionModel Rv32ec = new(150, new Dictionary<LayerCode, Price>
    {
        [LayerCode.DenseOnSigns] = new(0, 39, 0, 0), [LayerCode.DenseTernaryOnSigns] = new(0, 45.6, 0, 0),
        [LayerCode.DenseOnCodes] = new(0, 13.8, 0, 0), [LayerCode.DenseIntegers] = new(0, 34.8, 354, 0),
        [LayerCode.DenseIntegersOnSigns] = new(0, 15.4, 0, 0), [LayerCode.DenseTernary] = new(0, 15, 0, 0),
        [LayerCode.DenseFloats] = new(0, 293, 809, 0), [LayerCode.DenseReals] = new(229605, 462, 0, 0),
        [LayerCode.ConvOnCodes] = new(0, 7, 33.1, 26.3), [LayerCode.ConvOnSigns] = new(0, 0, 14.2, 169),
        [LayerCode.ConvOnSignsPadded] = new(57636, 34.07, 17.15, 57.02), [LayerCode.ConvIntegers] = new(0, 50.8, 0, 0),
        [LayerCode.ConvReals] = new(0, 1625, 0, 0), [LayerCode.Pool] = new(8666, 2.1, 0, 0),
    });

    /// <summary>The estimated instructions of a prediction whose layers do <paramref name="layers"/>.</summary>
    public long Of(IReadOnlyList<LayerWork> layers) => (long)Math.Round(Fixed + layers.Sum(w =>
    {
        var p = Prices[w.Code];
        return p.Call + p.Inner * w.Inner + p.Output * w.Outputs + p.Gather * w.Gathers;
    }));
}
