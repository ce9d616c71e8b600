namespace Qnn.Export.Device;

/// <summary>
/// The code bytes (.text) gcc -Os makes of a model's C for a core, where the compiler is not
/// installed: a fixed part (the entry points, the class's arg-max, the helpers) and one price
/// per layer function of each kind (<see cref="LayerCode"/>), fitted (non-negative least squares)
/// to the size tool's .text of the models in tests/Host.Tests/DeviceCostTests.cs, which checks
/// the whole flash against it; the tables (.rodata) are not modelled but counted from the C
/// (<see cref="FlashModel"/>). A kind priced 0 shares its code with the fixed part (every model
/// that has one).
/// </summary>
public sealed record TextModel(double Fixed, IReadOnlyDictionary<LayerCode, double> PerLayer)
{
    /// <summary>Thumb-2 code for a Cortex-M4F.</summary>
    public static readonly TextModel CortexM4 = new(470, new Dictionary<LayerCode, double>
    {
        [LayerCode.DenseOnSigns] = 93, [LayerCode.DenseTernaryOnSigns] = 90, [LayerCode.DenseOnCodes] = 0,
        [LayerCode.DenseIntegers] = 83, [LayerCode.DenseIntegersOnSigns] = 55, [LayerCode.DenseTernary] = 58,
        [LayerCode.DenseFloats] = 63, [LayerCode.DenseReals] = 108, [LayerCode.ConvOnCodes] = 355,
        [LayerCode.ConvOnSigns] = 136, [LayerCode.ConvOnSignsPadded] = 190, [LayerCode.ConvIntegers] = 335,
        [LayerCode.ConvReals] = 316, [LayerCode.Pool] = 0,
    });

    /// <summary>RV32EC code with compressed instructions.</summary>
    public static readonly TextModel Rv32ec = new(799, new Dictionary<LayerCode, double>
    {
        [LayerCode.DenseOnSigns] = 128, [LayerCode.DenseTernaryOnSigns] = 182, [LayerCode.DenseOnCodes] = 0,
        [LayerCode.DenseIntegers] = 162, [LayerCode.DenseIntegersOnSigns] = 47, [LayerCode.DenseTernary] = 68,
        [LayerCode.DenseFloats] = 92, [LayerCode.DenseReals] = 73, [LayerCode.ConvOnCodes] = 387,
        [LayerCode.ConvOnSigns] = 230, [LayerCode.ConvOnSignsPadded] = 291, [LayerCode.ConvIntegers] = 405,
        [LayerCode.ConvReals] = 435, [LayerCode.Pool] = 0,
    });

    /// <summary>The estimated .text bytes of a model with these layer functions.</summary>
    public long Of(IEnumerable<LayerCode> layers) => (long)Math.Round(Fixed + layers.Sum(k => PerLayer[k]));
}
