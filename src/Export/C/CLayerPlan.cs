using System.Text;
using Qnn.Engine;

namespace Qnn.Export.C;

/// <summary>
/// Where the generated code keeps activations: ±1 outputs bit-packed 32 to a <c>uint32_t</c>,
/// alternating between two buffers; then the window and validity words a ±1 convolution packs;
/// then the input codes of a float sample. All in one scratch array of 32-bit words.
/// </summary>
internal sealed class CLayerPlan
{
    private readonly EngineModel model;
    private readonly int buffer;
    private readonly int window;

    public CLayerPlan(EngineModel model)
    {
        this.model = model;
        foreach (var layer in model.Layers)
        {
            if (!IsLogits(layer))
                buffer = Math.Max(buffer, PackedWords(layer.OutputSize));
            if (layer is ConvLayer { CodeInputs: false } conv)
                window = Math.Max(window, PackedWords(conv.InputShape[0] / conv.Groups * conv.Kernel * conv.Kernel));
        }
        if (model.Layers.Count == 0 || !IsLogits(model.Layers[^1]))
            throw new ExportException($"{model.Name}: the last layer must output logits");
        for (var k = 0; k < model.Layers.Count - 1; k++)
            if (IsLogits(model.Layers[k]))
                throw new ExportException($"{model.Name}: only the last layer may output logits ({model.Layers[k].Name} does)");
    }

    /// <summary>32-bit words of a packed ±1 vector, rounded to whole 64-bit words as the engine packs.</summary>
    public static int PackedWords(int values) => 2 * BitPacking.WordsFor(values);

    /// <summary>Whether a layer's outputs are float logits rather than ±1.</summary>
    public static bool IsLogits(EngineLayer layer) => layer switch
    {
        BinaryDenseLayer d => d.Output.Thresholds is null,
        IntegerDenseLayer d => d.Output.Thresholds is null,
        ConvLayer c => c.Output.Thresholds is null,
        FloatDenseLayer f => !f.Signs,
        MaxPoolLayer => false,
        _ => throw new ExportException($"{layer.Name}: the C export does not know a {layer.GetType().Name}"),
    };

    /// <summary>Word offset of the input codes in the scratch.</summary>
    public int CodesOffset => 2 * buffer + 2 * window;

    /// <summary>Bytes of scratch: both activation buffers, the window words and the codes.</summary>
    public int ScratchBytes => 4 * Math.Max(1, CodesOffset + model.Input.Size);

    /// <summary>What layer <paramref name="k"/> reads: "codes" or a packed buffer.</summary>
    public string InputOf(int k) => k == 0 ? "codes" : (k - 1) % 2 == 0 ? "scratch" : $"scratch + {buffer}L";

    /// <summary>The statements of <c>NAME_forward</c>: every layer in turn.</summary>
    public string ForwardBody(string prefix)
    {
        var text = new StringBuilder();
        var work = $"scratch + {2 * buffer}L";
        for (var k = 0; k < model.Layers.Count; k++)
        {
            var output = k % 2 == 0 ? "scratch" : $"scratch + {buffer}L";
            text.Append($"    {prefix}_layer{k}({InputOf(k)}, {output}, logits, {work});\n");
        }
        return text.ToString();
    }
}
