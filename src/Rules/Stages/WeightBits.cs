namespace Qnn.Rules;

/// <summary>What a layer's weights take in memory: bits per weight by quantizer, and whether the
/// quantizer keeps a float32 scale per output channel. The cost model, the search's cost models,
/// the exporter and the generated layer table all count with these.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
static class WeightBits
{
    /// <summary>Binary 1, ternary 2, n-bit <paramref name="bits"/>, float 32.</summary>
    public static int PerWeight(WeightQuant mode, int? bits) => mode switch
    {
        WeightQuant.Binary => 1,
        WeightQuant.Ternary => 2,
        WeightQuant.NBits => bits ?? 32,
        _ => 32,
    };

    /// <summary>Scaled binary, ternary and n-bit weights keep a float32 scale per output channel.</summary>
    public static bool HasChannelScale(WeightQuant mode, bool scaled) => mode switch
    {
        WeightQuant.Binary => scaled,
        WeightQuant.Ternary or WeightQuant.NBits => true,
        _ => false,
    };

    /// <summary>A layer's weight memory: its kernel at <see cref="PerWeight"/> plus a float32 scale per output channel where it has one.</summary>
    public static long OfLayer(long kernelCount, long outputChannels, WeightQuant mode, int? bits, bool scaled) =>
        checked(kernelCount * PerWeight(mode, bits) + (HasChannelScale(mode, scaled) ? 32L * outputChannels : 0L));
}
