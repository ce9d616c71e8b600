using System.Text;
using Qnn.Engine;
using Qnn.Engine.Kernels;

namespace Qnn.Export.C;

/// <summary>
/// Where the generated code keeps activations: ±1 outputs bit-packed 32 to a <c>uint32_t</c>, whole
/// numbers one <c>int32_t</c> a word, other values one float32 bit pattern a word, all in one
/// scratch arena of 32-bit words. Layer k reads its input from one end of the arena and writes its
/// output at the other (even layers at the top, odd at the bottom), with a ±1 convolution's window
/// words between them, so the arena is the largest input + work + output of any one layer rather
/// than the sum of the layers. The input codes are the caller's (or <c>NAME_codes</c>, which only
/// the float entry points use), not in the arena.
/// </summary>
internal sealed class CLayerPlan
{
    private readonly EngineModel model;
    private readonly int[] outputWords;
    private readonly int[] workWords;

    /// <summary>The layers that have a function, in order: a sign max-pooling right after a ±1
    /// convolution has none, the convolution ORs its signs into the pooled outputs itself (no
    /// buffer of the unpooled map, no second pass).</summary>
    public IReadOnlyList<int> Steps { get; }

    public CLayerPlan(EngineModel model)
    {
        this.model = model;
        if (model.Layers.Count == 0 || !IsFinal(OutputOf(model.Layers[^1], true)))
            throw new ExportException($"{model.Name}: the last layer must output logits");
        var count = model.Layers.Count;
        Steps = Enumerable.Range(0, count).Where(k => !(k > 0 && PoolAfter(k - 1) is not null)).ToArray();
        (outputWords, workWords) = (new int[Steps.Count], new int[Steps.Count]);
        for (var s = 0; s < Steps.Count; s++)
        {
            var k = Steps[s];
            var layer = model.Layers[k];
            var kind = OutputKind(k);
            var size = PoolAfter(k)?.OutputSize ?? layer.OutputSize;
            outputWords[s] = kind switch
            {
                CValues.Logits => 0,
                CValues.Packed => PackedWords(size),
                CValues.Bytes => (size + 3) / 4,
                _ => size,
            };
            workWords[s] = WorkWords(layer);
            ArenaWords = Math.Max(ArenaWords, (s > 0 ? outputWords[s - 1] : 0) + workWords[s] + outputWords[s]);
        }
        ArenaWords = Math.Max(1, ArenaWords);
    }

    /// <summary>The sign max-pooling that convolution <paramref name="k"/> computes itself, if any:
    /// a ±1 convolution's packed signs followed by a max-pooling (the OR of the window's signs).</summary>
    public MaxPoolLayer? PoolAfter(int k) =>
        k + 1 < model.Layers.Count && model.Layers[k] is BinaryConvLayer && OutputKind(k) == CValues.Packed
            && model.Layers[k + 1] is MaxPoolLayer pool ? pool : null;

    /// <summary>The work words of a layer: a convolution's window (codes: one int32 a tap; ±1
    /// values: the window's sign words and, with padding, its validity words).</summary>
    public static int WorkWords(EngineLayer layer) => layer switch
    {
        BinaryConvLayer { CodeInputs: true } c => c.InputShape[0] / c.Groups * c.Kernel * c.Kernel,
        BinaryConvLayer c => (c.Padding > 0 ? 2 : 1) * PackedWords(c.InputShape[0] / c.Groups * c.Kernel * c.Kernel),
        _ => 0,
    };

    private static bool IsFinal(CValues kind) => kind is CValues.Logits or CValues.Sums;

    /// <summary>32-bit words of a packed ±1 vector, rounded to whole 64-bit words as the engine packs.</summary>
    public static int PackedWords(int values) => 2 * BitPacking.WordsFor(values);

    /// <summary>How a layer's outputs are held: packed signs, whole numbers, float values or (the
    /// last layer's) integer sums or float logits; a hidden layer without activation holds its
    /// affine outputs as float values.</summary>
    public static CValues OutputOf(EngineLayer layer, bool last) => layer.Accept(last ? HeldOutputs.Last : HeldOutputs.Hidden);

    /// <summary>Each kind's held output, for a hidden or the last layer.</summary>
    private sealed class HeldOutputs(bool last) : ILayerVisitor<CValues>
    {
        public static readonly HeldOutputs Hidden = new(false), Last = new(true);
        public CValues Visit(BinaryDenseLayer layer) => Of(layer.Output, last, true);
        public CValues Visit(IntegerDenseLayer layer) => Of(layer.Output, last, true);
        public CValues Visit(GeneralDenseLayer layer) => Of(layer.Output, last, layer.IntegerSums);
        public CValues Visit(FloatDenseLayer layer) => layer.Signs ? CValues.Packed : last ? CValues.Logits : CValues.Floats;
        public CValues Visit(BinaryConvLayer layer) => Of(layer.Output, last, true);
        public CValues Visit(GeneralConvLayer layer) => Of(layer.Output, last, layer.IntegerSums);
        public CValues Visit(MaxPoolLayer layer) => CValues.Packed;
        public CValues Visit(ValueMaxPoolLayer layer) => CValues.Floats;
        public CValues Visit(AveragePoolLayer layer) => CValues.Floats;
    }

    /// <summary>How an output block's values are held, after integer or real sums.</summary>
    /// <remarks>Sign activations computed in float are packed too, so that the binary layers and
    /// sign max-pooling the engine runs after them read them as they read folded signs.</remarks>
    public static CValues Of(LayerOutput output, bool last, bool integerSums) => output.Form switch
    {
        OutputForm.Signs => CValues.Packed,
        OutputForm.Logits => !last ? CValues.Floats : integerSums ? CValues.Sums : CValues.Logits,
        OutputForm.Levels when WholeLevels(output) => ByteLevels(output) ? CValues.Bytes : CValues.Ints,
        OutputForm.Activated when output.Activation == OutputActivation.Sign => CValues.Packed,
        _ => CValues.Floats,
    };

    /// <summary>Whether every level value is a whole number that an int32 holds (the folded
    /// ternary and n-bit activations' are: -1, 0, 1 or 0 … L).</summary>
    public static bool WholeLevels(LayerOutput output) =>
        output.LevelValues!.All(v => float.IsInteger(v) && Math.Abs(v) <= 1 << 30);

    /// <summary>Whether every level value is a whole number 0..255 (DoReFa codes of up to 8 bits): a byte each.</summary>
    public static bool ByteLevels(LayerOutput output) =>
        output.LevelValues!.All(v => float.IsInteger(v) && v is >= 0 and <= 255);

    /// <summary>How layer <paramref name="k"/>'s output is held (a value max-pooling of whole
    /// numbers keeps them whole; an average pooling's sums of codes, ±1 or whole numbers are whole).</summary>
    public CValues OutputKind(int k) => model.Layers[k] switch
    {
        ValueMaxPoolLayer when InputKind(k) is CValues.Ints or CValues.Bytes => InputKind(k),
        AveragePoolLayer when InputKind(k) is CValues.Ints or CValues.Bytes or CValues.Codes or CValues.Packed => CValues.Ints,
        var layer => OutputOf(layer, k == model.Layers.Count - 1),
    };

    /// <summary>Whether the inputs are integer codes (else some width above 24 bits passes as a real).</summary>
    public bool Codes => model.Input.AllCodes;

    /// <summary>Bytes of one input code: the narrowest unsigned type that holds every feature's
    /// largest code.</summary>
    public int CodeBytes
    {
        get
        {
            var widest = Enumerable.Range(0, model.Input.Low.Length).Max(r => (double)model.Input.LevelsOf(r));
            return widest <= byte.MaxValue ? 1 : widest <= ushort.MaxValue ? 2 : 4;
        }
    }

    /// <summary>The C type of one input code (<see cref="CodeBytes"/> wide).</summary>
    public string CodeType => $"uint{8 * CodeBytes}_t";

    /// <summary>Bytes of the source's static data: the scratch and, for a model with codes, the
    /// float entry points' codes buffer.</summary>
    public long StaticBytes => ScratchBytes + (Codes ? (long)model.Input.Size * CodeBytes : 0);

    /// <summary>How layer <paramref name="k"/>'s input is held.</summary>
    public CValues InputKind(int k) => k > 0 ? OutputKind(k - 1) : Codes ? CValues.Codes : CValues.Floats;

    /// <summary>Whether a prediction from codes is integer arithmetic throughout: every layer sums
    /// integers and holds signs, whole numbers or (the last) its integer sums.</summary>
    public bool IntegerOnly => Enumerable.Range(0, model.Layers.Count).All(k =>
        OutputKind(k) is CValues.Packed or CValues.Ints or CValues.Bytes or CValues.Sums && model.Layers[k].Accept(IntegerArithmetic.Instance));

    /// <summary>Whether a kind computes its outputs without a float: integer sums and folded outputs.</summary>
    private sealed class IntegerArithmetic : ILayerVisitor<bool>
    {
        public static readonly IntegerArithmetic Instance = new();
        public bool Visit(BinaryDenseLayer layer) => Folded(layer.Output);
        public bool Visit(IntegerDenseLayer layer) => Folded(layer.Output);
        public bool Visit(GeneralDenseLayer layer) => layer.IntegerSums && Folded(layer.Output);
        public bool Visit(FloatDenseLayer layer) => false;
        public bool Visit(BinaryConvLayer layer) => Folded(layer.Output);
        public bool Visit(GeneralConvLayer layer) => layer.IntegerSums && Folded(layer.Output);
        public bool Visit(MaxPoolLayer layer) => true;
        public bool Visit(ValueMaxPoolLayer layer) => true;
        public bool Visit(AveragePoolLayer layer) => true;

        private static bool Folded(LayerOutput output) => output.Form is OutputForm.Signs or OutputForm.Levels or OutputForm.Logits;
    }

    /// <summary>32-bit words of the arena: the largest input + work + output of a layer.</summary>
    public int ArenaWords { get; }

    /// <summary>Bytes of scratch a prediction uses: the arena, and for a model without codes
    /// the input values' words after it.</summary>
    public int ScratchBytes => 4 * (ArenaWords + (Codes ? 0 : model.Input.Size));

    /// <summary>Word offset of the input values in the scratch (a model without codes).</summary>
    public int ValuesOffset => ArenaWords;

    /// <summary>Where step <paramref name="s"/>'s output starts in the arena: even steps at the
    /// top, odd ones at the bottom.</summary>
    private string OutputAt(int s) => Offset(s % 2 == 0 ? ArenaWords - outputWords[s] : 0);

    /// <summary>Where step <paramref name="s"/>'s work words start: beside its input or its output at the bottom.</summary>
    private string WorkAt(int s) => Offset(s % 2 == 0 ? (s > 0 ? outputWords[s - 1] : 0) : outputWords[s]);

    private static string Offset(int words) => words == 0 ? "scratch" : $"scratch + {words}L";

    /// <summary>Where the last layer leaves its sums (for <see cref="CValues.Sums"/>).</summary>
    public string FinalAt => OutputAt(Steps.Count - 1);

    /// <summary>The statements that run every layer in turn on <c>codes</c>.</summary>
    public string ForwardBody(string prefix)
    {
        var text = new StringBuilder();
        for (var s = 0; s < Steps.Count; s++)
            text.Append($"    {prefix}_layer{Steps[s]}({(s == 0 ? "codes" : OutputAt(s - 1))}, {OutputAt(s)}, logits, {WorkAt(s)});\n");
        return text.ToString();
    }
}
