using Qnn.Engine;

namespace Qnn.Host.Commands;

/// <summary>What `qnn inspect` of a .qnnx says about each layer: its kind, and how it runs —
/// integer-only, or float and why.</summary>
internal static class EngineLayerDescription
{
    public static string Kind(EngineLayer layer) => layer switch
    {
        BinaryDenseLayer => "Dense",
        IntegerDenseLayer integer => integer.Coding == Qnn.Engine.IntegerWeights.Ternary ? "TernaryDense" : $"{integer.Bits}BitDense",
        GeneralDenseLayer g => Width(g.Weights) + "Dense",
        GeneralConvLayer g => Width(g.Weights) + "Conv",
        ValueMaxPoolLayer => "MaxPool",
        _ => layer.GetType().Name.Replace("Layer", ""),
    };

    private static string Width(LayerWeights weights) => weights.Bits switch { 0 => "Float", 1 => "", _ => $"{weights.Bits}Bit" };

    public static string Runs(EngineLayer layer) => layer switch
    {
        BinaryDenseLayer d => Integer(d.CodeMultipliers is null ? "XNOR-popcount" : "codes × ±1", d.Output),
        IntegerDenseLayer d => Integer(d.Coding == Qnn.Engine.IntegerWeights.Ternary && d.CodeMultipliers is null ? "ternary popcount" : "integer sums", d.Output),
        ConvLayer c => Integer(c.CodeInputs ? "codes × ±1" : "XNOR-popcount", c.Output),
        GeneralDenseLayer g => g.IntegerSums ? Integer("integer sums", g.Output) : Float(g.Weights, g.Output),
        GeneralConvLayer g => g.IntegerSums ? Integer("integer sums", g.Output) : Float(g.Weights, g.Output),
        MaxPoolLayer => "integer (OR of sign bits)",
        ValueMaxPoolLayer => "max of values",
        FloatDenseLayer f => f.Signs ? "float (float weights), sign out" : "float (float weights), logits",
        _ => "",
    };

    private static string Integer(string how, LayerOutput output) => output.Form switch
    {
        OutputForm.Signs => $"integer-only ({how}, sign thresholds)",
        OutputForm.Levels => $"integer-only ({how}, {output.Steps + 1}-level thresholds)",
        OutputForm.Logits => $"integer ({how}), float logits",
        _ => $"integer ({how}), float {output.Activation} out",
    };

    private static string Float(LayerWeights weights, LayerOutput output)
    {
        var why = weights.Bits == 0 ? "float weights" : "real inputs or sums past int32";
        var result = output.Form == OutputForm.Activated ? $"{output.Activation} out" : "logits";
        return $"float ({why}), {result}";
    }
}
