using Qnn.Engine;
using Qnn.Export.C;

namespace Qnn.Export.Device;

/// <summary>The kinds of function the C writer emits for a layer (docs/c-export.md), each with
/// its own code size in <see cref="TextModel"/>.</summary>
public enum LayerCode
{
    /// <summary>XOR-popcount rows of binary weights over packed ±1 inputs.</summary>
    DenseOnSigns,
    /// <summary>Ternary weights as two bit planes over packed ±1 inputs (AND, XOR, popcount).</summary>
    DenseTernaryOnSigns,
    /// <summary>±1 weights over input codes: a bit test and an add per input.</summary>
    DenseOnCodes,
    /// <summary>n-bit integer weights over codes or whole numbers: a multiply per input.</summary>
    DenseIntegers,
    /// <summary>n-bit integer weights over packed ±1 inputs: ±w chosen by the input's bit.</summary>
    DenseIntegersOnSigns,
    /// <summary>Ternary weights over codes or whole numbers: ±x selected (or multiplied) per input.</summary>
    DenseTernary,
    /// <summary>Float weights in float32 arithmetic (a float dense layer).</summary>
    DenseFloats,
    /// <summary>Real sums in double arithmetic, as the engine sums them (soft-float on a single-precision FPU).</summary>
    DenseReals,
    /// <summary>A ±1-weight convolution over input codes (the window gathered once a position).</summary>
    ConvOnCodes,
    /// <summary>A ±1-weight convolution over packed ±1 inputs (kernel rows as bit fields), pooling fused.</summary>
    ConvOnSigns,
    /// <summary>The same with padding: rows clipped to the image and a validity word ANDed per window word.</summary>
    ConvOnSignsPadded,
    /// <summary>A general convolution on integer sums.</summary>
    ConvIntegers,
    /// <summary>A general convolution on real sums (double arithmetic).</summary>
    ConvReals,
    /// <summary>A max-pooling over signs or values.</summary>
    Pool,
}

/// <summary>
/// The work of one layer function in one prediction from codes, counted in the generated C's
/// loop steps (the units <see cref="InstructionModel"/> prices per kind and core):
/// <paramref name="Inner"/> inner-loop steps (a 32-bit word XOR-popcounted, a code added under a
/// weight bit, an integer weight read and multiplied or selected, a float multiply-add, a pooled
/// input read), <paramref name="Outputs"/> outputs tested and stored, <paramref name="Gathers"/>
/// window elements fetched by a convolution (a code, or a kernel row's bit field);
/// <paramref name="Layer"/> is the engine layer's index (its C function is NAME_layerK).
/// </summary>
public sealed record LayerWork(int Layer, LayerCode Code, long Inner, long Outputs, long Gathers);

/// <summary>The work of every layer function of a model's C, in order.</summary>
public static class Operations
{
    /// <summary>The layer functions of <paramref name="model"/>'s C and their work, one prediction
    /// from input codes (a sign max-pooling fused into its convolution has no function).</summary>
    public static IReadOnlyList<LayerWork> Of(EngineModel model) => Of(model, new CLayerPlan(model));

    internal static IReadOnlyList<LayerWork> Of(EngineModel model, CLayerPlan plan) =>
        plan.Steps.Select(k => model.Layers[k].Accept(new Counter(k, plan.InputKind(k)))).ToList();

    /// <summary>Each kind's work as layer <paramref name="k"/>, on the input the plan gives it.</summary>
    private sealed class Counter(int k, CValues input) : ILayerVisitor<LayerWork>
    {
        public LayerWork Visit(BinaryDenseLayer layer) => layer.CodeMultipliers is null
            ? Work(LayerCode.DenseOnSigns, Rows(layer) * CLayerPlan.PackedWords(layer.InputSize), layer.OutputSize, 0)
            : Work(LayerCode.DenseOnCodes, Rows(layer) * layer.InputSize, layer.OutputSize, 0);

        public LayerWork Visit(IntegerDenseLayer layer) => (layer.Coding, layer.CodeMultipliers) switch
        {
            (IntegerCoding.Ternary, null) => Work(LayerCode.DenseTernaryOnSigns, Rows(layer) * CLayerPlan.PackedWords(layer.InputSize), layer.OutputSize, 0),
            (IntegerCoding.Ternary, _) => Work(LayerCode.DenseTernary, Rows(layer) * layer.InputSize, layer.OutputSize, 0),
            (_, null) => Work(LayerCode.DenseIntegersOnSigns, Rows(layer) * layer.InputSize, layer.OutputSize, 0),
            _ => Work(LayerCode.DenseIntegers, Rows(layer) * layer.InputSize, layer.OutputSize, 0),
        };

        public LayerWork Visit(GeneralDenseLayer layer)
        {
            var code = !layer.IntegerSums || input == CValues.Floats ? LayerCode.DenseReals
                : input == CValues.Packed ? LayerCode.DenseIntegersOnSigns
                : CLayerWriter.Ternary(layer.Weights.Integers!) ? LayerCode.DenseTernary : LayerCode.DenseIntegers;
            return Work(code, Rows(layer) * layer.InputSize, layer.OutputSize, 0);
        }

        public LayerWork Visit(FloatDenseLayer layer) => Work(LayerCode.DenseFloats, Rows(layer) * layer.InputSize, layer.OutputSize, 0);

        public LayerWork Visit(BinaryConvLayer layer)
        {
            long positions = (long)layer.OutHeight * layer.OutWidth;
            var perGroupIn = layer.InputShape[0] / layer.Groups;
            long window = (long)perGroupIn * layer.Kernel * layer.Kernel;
            return layer.CodeInputs
                ? Work(LayerCode.ConvOnCodes, positions * layer.OutChannels * window, positions * layer.OutChannels, positions * layer.Groups * window)
                : Work(layer.Padding > 0 ? LayerCode.ConvOnSignsPadded : LayerCode.ConvOnSigns, positions * layer.OutChannels * CLayerPlan.PackedWords((int)window), positions * layer.OutChannels,
                    positions * layer.Groups * perGroupIn * layer.Kernel);
        }

        public LayerWork Visit(GeneralConvLayer layer)
        {
            long positions = (long)layer.OutHeight * layer.OutWidth;
            long window = (long)layer.InputShape[0] / layer.Groups * layer.Kernel * layer.Kernel;
            return Work(layer.IntegerSums && input != CValues.Floats ? LayerCode.ConvIntegers : LayerCode.ConvReals,
                positions * layer.OutChannels * window, positions * layer.OutChannels, 0);
        }

        public LayerWork Visit(MaxPoolLayer layer) => Work(LayerCode.Pool, (long)layer.OutputSize * layer.Pool * layer.Pool, 0, 0);

        public LayerWork Visit(ValueMaxPoolLayer layer) => Work(LayerCode.Pool, (long)layer.OutputSize * layer.Pool * layer.Pool, 0, 0);

        public LayerWork Visit(AveragePoolLayer layer) => Work(LayerCode.Pool, (long)layer.OutputSize * layer.Pool * layer.Pool, 0, 0);

        private static long Rows(EngineLayer layer) => layer.OutputSize;

        private LayerWork Work(LayerCode code, long inner, long outputs, long gathers) => new(k, code, inner, outputs, gathers);
    }
}
