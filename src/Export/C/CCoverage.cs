using Qnn.Engine;

namespace Qnn.Export.C;

/// <summary>
/// What the C export translates: the layers and output forms of format version 4 (binary,
/// ternary and n-bit dense layers on ±1 or input codes, binary convolutions, sign max-pooling,
/// float dense layers; sign thresholds or logits). The kinds version 5 added are refused by name
/// rather than mis-translated: general dense and convolution layers (float or wide weights,
/// real or integer-level inputs), value max-pooling, levels and activated outputs (ternary,
/// DoReFa, ReLU), and unrounded inputs above 24 bits.
/// </summary>
internal static class CCoverage
{
    /// <summary>Throws an <see cref="ExportException"/> naming the first layer the C export cannot translate.</summary>
    public static void Check(EngineModel model)
    {
        if (!model.Input.AllCodes)
            throw new ExportException($"{model.Name}: the C export takes input codes of at most {InputStage.MaxCodeBits} bits; this model has {model.Input.Bits.Max()}-bit (unrounded) inputs");
        foreach (var layer in model.Layers)
        {
            var refused = layer switch
            {
                GeneralDenseLayer g => $"a general dense layer ({Weights(g.Weights)} weights, {(g.IntegerSums ? "integer" : "real")} sums)",
                GeneralConvLayer g => $"a general convolution ({Weights(g.Weights)} weights, {(g.IntegerSums ? "integer" : "real")} sums)",
                ValueMaxPoolLayer => "max-pooling over values (not signs)",
                BinaryDenseLayer d => Form(d.Output),
                IntegerDenseLayer d => Form(d.Output),
                ConvLayer c => Form(c.Output),
                _ => null,
            };
            if (refused is not null)
                throw new ExportException($"{model.Name}: {layer.Name} is {refused}, which the C export does not translate (only the engine runs it)");
        }
    }

    private static string Weights(LayerWeights weights) => weights.Bits == 0 ? "float" : $"{weights.Bits}-bit";

    private static string? Form(LayerOutput output) => output.Form switch
    {
        OutputForm.Levels => $"a layer with a {output.Steps + 1}-level output (ternary or DoReFa activation)",
        OutputForm.Activated => $"a layer with a {output.Activation} activation computed in float",
        _ => null,
    };
}
