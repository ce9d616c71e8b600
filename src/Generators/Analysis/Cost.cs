namespace Qnn.Generators.Analysis;

/// <summary>The weight-memory rules of the core's <c>Cost</c>, for the generated layer table.</summary>
public static class Cost
{
    public static long BitsPerWeight(string mode, int? bits) => mode switch
    {
        "Binary" => 1,
        "Ternary" => 2,
        "NBits" => bits ?? 32,
        _ => 32,
    };

    /// <summary>Scaled binary, ternary and n-bit weights keep a float32 scale per output channel.</summary>
    public static bool HasChannelScale(string mode, bool scaled) => mode switch
    {
        "Binary" => scaled,
        "Ternary" or "NBits" => true,
        _ => false,
    };

    /// <summary>How the layer table names an activation: BinarizeReste, NBits(2)…</summary>
    public static string DescribeActivation(string activation, int? bits) =>
        activation == "NBits" ? $"NBits({bits})" : activation;
}
