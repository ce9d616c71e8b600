using System.Text;
using Qnn.Engine;
using Qnn.Engine.Kernels;

namespace Qnn.Export.C;

/// <summary>
/// Where the generated code keeps activations: ±1 outputs bit-packed 32 to a <c>uint32_t</c>, other
/// values one float32 bit pattern a word, alternating between two buffers; then the window and
/// validity words a ±1 convolution packs; then the input codes (or, for unrounded inputs, the
/// input values) of a sample. All in one scratch array of 32-bit words.
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
            var kind = OutputOf(layer, false);
            if (kind != CValues.Logits)
                buffer = Math.Max(buffer, kind == CValues.Packed ? PackedWords(layer.OutputSize) : layer.OutputSize);
            if (layer is BinaryConvLayer { CodeInputs: false } conv)
                window = Math.Max(window, PackedWords(conv.InputShape[0] / conv.Groups * conv.Kernel * conv.Kernel));
        }
        if (model.Layers.Count == 0 || OutputOf(model.Layers[^1], true) != CValues.Logits)
            throw new ExportException($"{model.Name}: the last layer must output logits");
    }

    /// <summary>32-bit words of a packed ±1 vector, rounded to whole 64-bit words as the engine packs.</summary>
    public static int PackedWords(int values) => 2 * BitPacking.WordsFor(values);

    /// <summary>How a layer's outputs are held: packed signs, float values or (the last layer's)
    /// logits; a hidden layer without activation holds its affine outputs as float values.</summary>
    public static CValues OutputOf(EngineLayer layer, bool last) => layer.Accept(last ? HeldOutputs.Last : HeldOutputs.Hidden);

    /// <summary>Each kind's held output, for a hidden or the last layer.</summary>
    private sealed class HeldOutputs(bool last) : ILayerVisitor<CValues>
    {
        public static readonly HeldOutputs Hidden = new(false), Last = new(true);
        public CValues Visit(BinaryDenseLayer layer) => Of(layer.Output, last);
        public CValues Visit(IntegerDenseLayer layer) => Of(layer.Output, last);
        public CValues Visit(GeneralDenseLayer layer) => Of(layer.Output, last);
        public CValues Visit(FloatDenseLayer layer) => layer.Signs ? CValues.Packed : last ? CValues.Logits : CValues.Floats;
        public CValues Visit(BinaryConvLayer layer) => Of(layer.Output, last);
        public CValues Visit(GeneralConvLayer layer) => Of(layer.Output, last);
        public CValues Visit(MaxPoolLayer layer) => CValues.Packed;
        public CValues Visit(ValueMaxPoolLayer layer) => CValues.Floats;
    }

    /// <summary>How an output block's values are held.</summary>
    /// <remarks>Sign activations computed in float are packed too, so that the binary layers and
    /// sign max-pooling the engine runs after them read them as they read folded signs.</remarks>
    public static CValues Of(LayerOutput output, bool last) => output.Form switch
    {
        OutputForm.Signs => CValues.Packed,
        OutputForm.Logits => last ? CValues.Logits : CValues.Floats,
        OutputForm.Activated when output.Activation == OutputActivation.Sign => CValues.Packed,
        _ => CValues.Floats,
    };

    /// <summary>How layer <paramref name="k"/>'s output is held.</summary>
    public CValues OutputKind(int k) => OutputOf(model.Layers[k], k == model.Layers.Count - 1);

    /// <summary>Whether the inputs are integer codes (else some width above 24 bits passes as a real).</summary>
    public bool Codes => model.Input.AllCodes;

    /// <summary>How layer <paramref name="k"/>'s input is held.</summary>
    public CValues InputKind(int k) => k > 0 ? OutputKind(k - 1) : Codes ? CValues.Codes : CValues.Floats;

    /// <summary>Word offset of the input codes in the scratch.</summary>
    public int CodesOffset => 2 * buffer + 2 * window;

    /// <summary>Bytes of scratch: both activation buffers, the window words and the codes.</summary>
    public int ScratchBytes => 4 * Math.Max(1, CodesOffset + model.Input.Size);

    /// <summary>What layer <paramref name="k"/> reads: "codes" or a buffer.</summary>
    public string InputOf(int k) => k == 0 ? "codes" : (k - 1) % 2 == 0 ? "scratch" : $"scratch + {buffer}L";

    /// <summary>The statements that run every layer in turn on <c>codes</c>.</summary>
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
