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
    public static readonly TextModel CortexM4 = new(250, new Dictionary<LayerCode, double>
    {
        [LayerCode.DenseOnSigns] = 130, [LayerCode.DenseTernaryOnSigns] = 161, [LayerCode.DenseOnCodes] = 146,
        [LayerCode.DenseIntegers] = 155, [LayerCode.DenseIntegersOnSigns] = 135, [LayerCode.DenseTernary] = 133,
        [LayerCode.DenseFloats] = 63, [LayerCode.DenseReals] = 218, [LayerCode.ConvOnCodes] = 345,
        [LayerCode.ConvOnSigns] = 251, [LayerCode.ConvOnSignsPadded] = 459, [LayerCode.ConvIntegers] = 426,
        [LayerCode.ConvReals] = 426, [LayerCode.Pool] = 0,
    });

    /// <summary>RV32EC code with compressed instructions.</summary>
    public static readonly TextModel Rv32ec = new(531, new Dictionary<LayerCode, double>
    {
        [LayerCode.DenseOnSigns] = 188, [LayerCode.DenseTernaryOnSigns] = 265, [LayerCode.DenseOnCodes] = 148,
        [LayerCode.DenseIntegers] = 248, [LayerCode.DenseIntegersOnSigns] = 150, [LayerCode.DenseTernary] = 159,
        [LayerCode.DenseFloats] = 71, [LayerCode.DenseReals] = 218, [LayerCode.ConvOnCodes] = 400,
        [LayerCode.ConvOnSigns] = 318, [LayerCode.ConvOnSignsPadded] = 604, [LayerCode.ConvIntegers] = 510,
        [LayerCode.ConvReals] = 580, [LayerCode.Pool] = 0,
    });

    /// <summary>The estimated .text bytes of a model with these layer functions.</summary>
    public long Of(IEnumerable<LayerCode> layers) => (long)Math.Round(Fixed + layers.Sum(k => PerLayer[k]));
}
