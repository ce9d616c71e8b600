using System.Text;
using Qnn.Engine;

namespace Qnn.Export.C;

/// <summary>
/// One C function per engine layer, <c>NAME_layerK(in, out, logits, work)</c>: <c>in</c> holds the
/// input codes (first layer) or packed ±1 values, <c>out</c> receives packed ±1 outputs,
/// <c>logits</c> float outputs, <c>work</c> a ±1 convolution's window. Each computes the engine's
/// integer pre-activation z exactly (int32) and then its output block.
/// </summary>
internal sealed partial class CLayerWriter(string prefix, StringBuilder text)
{
    /// <summary>Whether any layer counts bits (so the popcount helper is needed).</summary>
    public bool UsesPopCount { get; private set; }

    /// <summary>How the layer being written holds its inputs and its outputs.</summary>
    private CValues inputKind, outputKind;

    /// <summary>The sign max-pooling the convolution being written computes itself, if any.</summary>
    private MaxPoolLayer? fusedPool;

    /// <summary>The last layer's affine form where it leaves integer sums (<see cref="CValues.Sums"/>),
    /// and its outputs per channel: the logits and the class are computed from it.</summary>
    public (LayerOutput Output, int Positions)? FinalAffine { get; private set; }

    public void Write(int k, EngineLayer layer, CValues input, CValues output, MaxPoolLayer? pool)
    {
        fusedPool = pool;
        (inputKind, outputKind) = (input, output);
        var name = $"{prefix}_layer{k}";
        text.Append($"/* {CLiterals.Comment(layer.Name)}: {layer.GetType().Name}, {layer.InputSize} in, {layer.OutputSize} out. */\n");
        if (!layer.Accept(new Body(this, name, input)))
            throw new ExportException($"{layer.Name}: the C export does not take a {layer.GetType().Name} here");
        text.Append('\n');
    }

    /// <summary>Each kind's C function; false where the kind cannot run on this input.</summary>
    private sealed class Body(CLayerWriter writer, string name, CValues input) : ILayerVisitor<bool>
    {
        public bool Visit(BinaryDenseLayer layer) { IntegerInput(layer); writer.BinaryDense(name, layer); return true; }
        public bool Visit(IntegerDenseLayer layer) { IntegerInput(layer); writer.IntegerDense(name, layer); return true; }
        public bool Visit(GeneralDenseLayer layer) { writer.GeneralDense(name, layer, input); return true; }
        public bool Visit(FloatDenseLayer layer) { writer.FloatDense(name, layer, input); return true; }
        public bool Visit(BinaryConvLayer layer) { IntegerInput(layer); writer.Conv(name, layer, writer.fusedPool); return true; }
        public bool Visit(GeneralConvLayer layer) { writer.GeneralConv(name, layer, input); return true; }
        // Codes are not ±1 values: a sign max-pooling cannot take the input codes.
        public bool Visit(MaxPoolLayer layer)
        {
            IntegerInput(layer);
            if (input == CValues.Codes) return false;
            writer.MaxPool(name, layer);
            return true;
        }
        public bool Visit(ValueMaxPoolLayer layer) { writer.ValueMaxPool(name, layer, input); return true; }

        public bool Visit(AveragePoolLayer layer) { writer.AveragePool(name, layer, input); return true; }

        /// <summary>The kinds that count bits or integers refuse real input values.</summary>
        private void IntegerInput(EngineLayer layer)
        {
            if (input == CValues.Floats)
                throw new ExportException($"{layer.Name}: a {layer.GetType().Name} takes input codes or ±1 values, not real values");
        }
    }

    private void Words(string name, ReadOnlySpan<ulong> words64)
    {
        var words = new uint[words64.Length * 2];
        for (var i = 0; i < words64.Length; i++)
            (words[2 * i], words[2 * i + 1]) = ((uint)words64[i], (uint)(words64[i] >> 32));
        text.Append($"static const uint32_t {name}[{words.Length}] = {{\n{CLiterals.List(words, CLiterals.Word, 6)}\n}};\n");
    }

    private void Ints(string name, IEnumerable<int> values) =>
        text.Append($"static const int32_t {name}[] = {{\n{CLiterals.List(values, CLiterals.Int32, 8)}\n}};\n");

    private void Floats(string name, IEnumerable<float> values) =>
        text.Append($"static const float {name}[] = {{\n{CLiterals.List(values, CLiterals.Float, 6)}\n}};\n");

    /// <summary>The tables of an output block; returns the statement that stores output
    /// <c>idx</c> of channel <c>ch</c> from <c>z</c>.</summary>
    private string OutputBlock(string name, LayerOutput output, long? bound) =>
        $"if ({Fires(name, output.Thresholds!, "ch", bound)}) QNN_SET(out, idx);";

    /// <summary>The last layer's store where it sums integers: z itself, its affine form applied
    /// after the layers (CFinal), in float32 for the logits and in fixed point for the class.</summary>
    private string FinalSums(LayerOutput output, int positions)
    {
        FinalAffine = (output, positions);
        return "out[idx] = (uint32_t)z;";
    }

    /// <summary>The code multipliers' table <c>NAME_m</c>, where the layer has them and they
    /// differ; returns the factor that multiplies input <c>i</c>: "" for none or all 1 (no
    /// multiply: on a core without one, such as rv32ec, each is a libgcc call), a constant where
    /// all are equal, else the table's entry.</summary>
    private string Multipliers(string name, int[]? multipliers)
    {
        if (multipliers is null || multipliers.All(m => m == 1))
            return "";
        if (multipliers.All(m => m == multipliers[0]))
            return $" * {CLiterals.Int32(multipliers[0])}";
        Ints($"{name}_m", multipliers);
        return $" * {name}_m[i]";
    }

    /// <summary>A dense layer's function: for each output <c>j</c> (also its channel and index),
    /// the <paramref name="row"/> declaration, the <paramref name="sum"/> statements, then the
    /// output block's <paramref name="store"/>. The output tables must already be written.</summary>
    private void DenseRows(string name, int outputs, string locals, string row, string sum, string store)
    {
        text.Append(Begin(name, outputs, false));
        // The channel is j too; every output block reads it but the last layer's sums (FinalSums).
        var channel = outputKind == CValues.Sums ? "" : "ch = j, ";
        text.Append($"    int32_t {locals};\n    for (j = 0; j < {outputs}L; j++) {{\n{row}        const int32_t {channel}idx = j;\n");
        text.Append(sum);
        text.Append($"        {store}\n    }}\n}}\n");
    }

    private static string Unused(bool usesOut, bool usesLogits, bool usesWork) =>
        (usesOut ? "" : "    (void)out;\n") + (usesLogits ? "" : "    (void)logits;\n") + (usesWork ? "" : "    (void)work;\n");

    private string Begin(string name, int outputs, bool usesWork)
    {
        var signs = outputKind == CValues.Packed;
        var input = inputKind == CValues.Codes ? $"{prefix}_code_t" : "uint32_t";
        return $"static QNN_LAYER void {name}(const {input} *in, uint32_t *out, float *logits, uint32_t *work)\n{{\n"
            + Unused(outputKind != CValues.Logits, outputKind == CValues.Logits, usesWork)
            + (signs ? $"    memset(out, 0, {4 * CLayerPlan.PackedWords(outputs)}L);\n" : "");
    }

    private void BinaryDense(string name, BinaryDenseLayer d)
    {
        var n = d.InputSize;
        var rowWords = CLayerPlan.PackedWords(n);
        Words($"{name}_w", d.PackedWeights);
        var factor = Multipliers(name, d.CodeMultipliers);
        var store = GeneralOutput(name, d.Output, true, d.CodeMultipliers is null ? n : null);
        UsesPopCount |= d.CodeMultipliers is null;
        var sum = d.CodeMultipliers is null
            ? $"        int32_t differing = 0;\n        for (i = 0; i < {rowWords}L; i++)\n            differing += qnn_popcount(in[i] ^ row[i]);\n        z = {n}L - 2 * differing;\n"
            : $"        z = 0;\n        for (i = 0; i < {n}L; i++) {{\n            int32_t term = (int32_t)in[i]{factor};\n            z += QNN_BIT(row, i) ? term : -term;\n        }}\n";
        DenseRows(name, d.OutputSize, "j, i, z", $"        const uint32_t *row = {name}_w + j * {rowWords}L;\n", sum, store);
    }

    private void IntegerDense(string name, IntegerDenseLayer d)
    {
        var n = d.InputSize;
        var rowWords = CLayerPlan.PackedWords(n);
        var ternaryOnSigns = d.Coding == Qnn.Engine.IntegerCoding.Ternary && d.CodeMultipliers is null;
        if (ternaryOnSigns)
        {
            Words($"{name}_nz", d.NonzeroPlane);
            Words($"{name}_pos", d.PositivePlane);
            var weights = d.Weights.ToArray();
            Ints($"{name}_count", Enumerable.Range(0, d.OutputSize).Select(j => weights.Skip(j * n).Take(n).Count(q => q != 0)));
        }
        var factor = Multipliers(name, d.CodeMultipliers);
        var value = d.CodeMultipliers is null ? "(QNN_BIT(in, i) ? 1 : -1)" : $"(int32_t)in[i]{factor}";
        var sum = ternaryOnSigns
            ? $"        const uint32_t *nz = {name}_nz + j * {rowWords}L, *pos = {name}_pos + j * {rowWords}L;\n        int32_t disagree = 0;\n        for (i = 0; i < {rowWords}L; i++)\n            disagree += qnn_popcount(nz[i] & (in[i] ^ pos[i]));\n        z = {name}_count[j] - 2 * disagree;\n"
            : PackedRows(name, d.Weights.ToArray().Select(q => (int)q).ToArray(), d.OutputSize, n, d.Coding == Qnn.Engine.IntegerCoding.Ternary ? 2 : d.Bits, value, signs: d.CodeMultipliers is null);
        var store = GeneralOutput(name, d.Output, true, null);
        UsesPopCount |= ternaryOnSigns;
        DenseRows(name, d.OutputSize, "j, i, z", "", sum, store);
    }

    private void FloatDense(string name, FloatDenseLayer f, CValues input)
    {
        var n = f.InputSize;
        Floats($"{name}_w", f.Weights.ToArray());
        Floats($"{name}_alpha", f.Alpha.ToArray());
        Floats($"{name}_beta", f.Beta.ToArray());
        text.Append(Begin(name, f.OutputSize, false));
        var x = Read(input, "i", false);
        var store = f.Signs ? "if (y >= 0.0f) QNN_SET(out, j);" : outputKind == CValues.Logits ? "logits[j] = y;" : "out[j] = qnn_word(y);";
        UsesFloatWords |= outputKind == CValues.Floats;
        text.Append($"    int32_t j, i;\n    for (j = 0; j < {f.OutputSize}L; j++) {{\n        const float *row = {name}_w + j * {n}L;\n        float sum = 0.0f, y;\n        for (i = 0; i < {n}L; i++)\n            sum += {x} * row[i];\n        y = sum * {name}_alpha[j] + {name}_beta[j];\n        {store}\n    }}\n}}\n");
    }

    private void MaxPool(string name, MaxPoolLayer p)
    {
        int channels = p.InputShape[0], height = p.InputShape[1], width = p.InputShape[2], pool = p.Pool;
        int outHeight = height / pool, outWidth = width / pool;
        PoolingLoops(name, p.OutputSize, channels, outHeight, outWidth, $$"""
                            int any = 0;
                            for (dy = 0; dy < {{pool}}L && !any; dy++)
                                for (dx = 0; dx < {{pool}}L && !any; dx++)
                                    any = QNN_BIT(in, (c * {{height}}L + oy * {{pool}}L + dy) * {{width}}L + ox * {{pool}}L + dx);
                            if (any)
                                QNN_SET(out, (c * {{outHeight}}L + oy) * {{outWidth}}L + ox);
            """);
    }

    /// <summary>A max-pooling function: <paramref name="body"/> (indented as the loop's body) runs
    /// for each channel <c>c</c> and output position (<c>oy</c>, <c>ox</c>); <c>dy</c> and
    /// <c>dx</c> are declared for the window.</summary>
    private void PoolingLoops(string name, int outputs, int channels, int outHeight, int outWidth, string body)
    {
        text.Append(Begin(name, outputs, false));
        text.Append($$"""
                int32_t c, oy, ox, dy, dx;
                for (c = 0; c < {{channels}}L; c++)
                    for (oy = 0; oy < {{outHeight}}L; oy++)
                        for (ox = 0; ox < {{outWidth}}L; ox++) {
            {{body}}
                        }
            }

            """);
    }
}
