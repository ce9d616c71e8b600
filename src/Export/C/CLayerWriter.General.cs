using Qnn.Engine;

namespace Qnn.Export.C;

/// <summary>
/// The layers of format version 5: general dense and convolution layers and max-pooling over
/// values. Integer sums are exact int32 sums (the engine's reader and exporter bound every row's
/// Σ |input|·multiplier·|weight| by int32, QnnxLimits.MaxAccumulator); real sums are double sums
/// of (double)w · (float)(x / divisor) in the engine's order, then the output block in float32.
/// Values other than ±1 travel as one float32 bit pattern a word.
/// </summary>
internal sealed partial class CLayerWriter
{
    /// <summary>Whether any layer reads or writes float bit patterns (so the union helpers are needed).</summary>
    public bool UsesFloatWords { get; private set; }

    /// <summary>Whether any output is requantized (so qnn_requant is needed).</summary>
    public bool UsesRequantization { get; private set; }

    /// <summary>Value <c>index</c> of the input as an int32 (integer sums) or a float.</summary>
    private string Read(CValues input, string index, bool integer)
    {
        if (input == CValues.Floats)
            UsesFloatWords = true;
        return (input, integer) switch
        {
            (CValues.Codes, true) => $"(int32_t)in[{index}]",
            (CValues.Codes, false) => $"(float)in[{index}]",
            (CValues.Packed, true) => $"(QNN_BIT(in, {index}) ? 1 : -1)",
            (CValues.Packed, false) => $"(QNN_BIT(in, {index}) ? 1.0f : -1.0f)",
            (CValues.Ints, true) => $"(int32_t)in[{index}]",
            (CValues.Ints, false) => $"(float)(int32_t)in[{index}]",
            (CValues.Bytes, true) => $"(int32_t)((const unsigned char *)in)[{index}]",
            (CValues.Bytes, false) => $"(float)((const unsigned char *)in)[{index}]",
            (CValues.Floats, true) => $"(int32_t)qnn_float(in[{index}])",
            _ => $"qnn_float(in[{index}])",
        };
    }

    /// <summary>Integer weights in the narrowest C type that holds them.</summary>
    private string IntegerWeights(string name, LayerWeights weights)
    {
        var type = weights.Largest <= sbyte.MaxValue ? "int8_t" : weights.Largest <= short.MaxValue ? "int16_t" : "int32_t";
        var format = type == "int32_t" ? CLiterals.Int32 : (Func<int, string>)(q => q.ToString(System.Globalization.CultureInfo.InvariantCulture));
        text.Append($"static const {type} {name}_q[{weights.Count}] = {{\n{CLiterals.List(weights.Integers!, format, 16)}\n}};\n");
        return type;
    }

    /// <summary>The weights' table <c>NAME_q</c>: integers for integer sums, floats for real
    /// sums; returns its C element type.</summary>
    private string WeightTable(string name, LayerWeights weights, bool integer)
    {
        if (integer)
            return IntegerWeights(name, weights);
        Floats($"{name}_q", Enumerable.Range(0, weights.Count).Select(i => weights[i]));
        return "float";
    }

    /// <summary>The tables of any output block; returns the statement that stores output
    /// <c>idx</c> of channel <c>ch</c> from <c>z</c> (integer sums) or <c>sum</c> (real sums).</summary>
    private string GeneralOutput(string name, LayerOutput output, bool integer, long? bound = null, int positions = 1)
    {
        if (output.Form == OutputForm.Signs)
            return OutputBlock(name, output, bound);
        if (output.Form == OutputForm.Levels)
            return LevelsOutput(name, output, bound);
        if (integer && outputKind == CValues.Sums)
            return FinalSums(output, positions);
        // The affine form as LayerOutput.Apply/ApplyReal: (x·Scale)·α + β in float32.
        Floats($"{name}_alpha", output.Alpha!);
        Floats($"{name}_beta", output.Beta!);
        var y = $"{(integer ? "(float)z" : "(float)sum")} * {CLiterals.Float(output.Scale)} * {name}_alpha[ch] + {name}_beta[ch]";
        if (outputKind == CValues.Logits)
            return $"logits[idx] = {y};";
        if (outputKind == CValues.Packed)
            return $"if ({y} >= 0.0f) QNN_SET(out, idx);";
        UsesFloatWords = true;
        if (output.Form == OutputForm.Logits)
            return $"out[idx] = qnn_word({y});";
        text.Append(Activation(name, output));
        return $"out[idx] = qnn_word({name}_activate({y}));";
    }

    /// <summary>Output j is values[how many of its nested thresholds fire]: whole values are
    /// stored as int32, or a byte where they are 0..255 (fired + the first value where they are
    /// consecutive), others as floats.</summary>
    private string LevelsOutput(string name, LayerOutput output, long? bound)
    {
        var values = output.LevelValues!;
        var count = output.Requantization is { } requantization
            ? Requantized(name, requantization, bound)
            : $"int32_t s, fired = 0;\n            for (s = 0; s < {output.Steps}L; s++)\n                if ({Fires(name, output.LevelBoundaries!, $"ch * {output.Steps}L + s", bound)})\n                    fired++;";
        string value;
        if (outputKind is CValues.Ints or CValues.Bytes)
        {
            var consecutive = values.Select((v, k) => v - k).Distinct().Count() == 1;
            if (!consecutive)
                Ints($"{name}_values", values.Select(v => (int)v));
            var first = (int)values[0];
            value = consecutive ? $"(uint32_t)(fired{(first == 0 ? "" : $" + {CLiterals.Int32(first)}")})" : $"(uint32_t){name}_values[fired]";
        }
        else
        {
            UsesFloatWords = true;
            Floats($"{name}_values", values);
            value = $"qnn_word({name}_values[fired])";
        }
        var target = outputKind == CValues.Bytes ? "((unsigned char *)out)[idx]" : "out[idx]";
        if (outputKind == CValues.Bytes)
            value = $"(unsigned char){value}";
        return $"{{\n            {count}\n            {target} = {value};\n        }}";
    }

    /// <summary>The tables of a requantized output (<c>NAME_b</c> bases, <c>NAME_k</c>
    /// multipliers, <c>NAME_o</c> offsets, <c>NAME_s</c> shifts unless all are equal, and the
    /// directions <c>NAME_f</c> where they mix) and the statements that set <c>fired</c> to
    /// channel ch's code for <c>z</c>, as <see cref="Requantization.Code"/> computes it. With
    /// <paramref name="bound"/> (the largest |z|), the base of an output whose code cannot change
    /// (multiplier 0) or never leaves 0 is clamped to ±(bound + 1), so the table can narrow.</summary>
    private string Requantized(string name, Requantization r, long? bound)
    {
        UsesRequantization = true;
        var bases = r.Base.Select((b, j) => bound is { } limit && (r.Multiplier[j] == 0 || b > limit) ? Math.Clamp(b, -(limit + 1), limit + 1) : (long)b).ToArray();
        var baseType = Narrowest(bases);
        var format = baseType == "int32_t" ? (Func<long, string>)(t => CLiterals.Int32((int)t)) : t => t.ToString(System.Globalization.CultureInfo.InvariantCulture);
        text.Append($"static const {baseType} {name}_b[{r.Count}] = {{\n{CLiterals.List(bases, format, 8)}\n}};\n");
        text.Append($"static const uint32_t {name}_k[{r.Count}] = {{\n{CLiterals.List(r.Multiplier, CLiterals.Word, 6)}\n}};\n");
        var narrowOffsets = r.Offset.All(o => o <= uint.MaxValue);
        var offsets = narrowOffsets
            ? CLiterals.List(r.Offset.Select(o => (uint)o).ToArray(), CLiterals.Word, 6)
            : CLiterals.List(r.Offset, o => $"0x{o:X16}ULL", 4);
        text.Append($"static const {(narrowOffsets ? "uint32_t" : "uint64_t")} {name}_o[{r.Count}] = {{\n{offsets}\n}};\n");
        var shift = $"{r.Shift[0]}u";
        if (r.Shift.Distinct().Count() > 1)
        {
            text.Append($"static const uint8_t {name}_s[{r.Count}] = {{\n{CLiterals.List(r.Shift, v => v.ToString(System.Globalization.CultureInfo.InvariantCulture), 16)}\n}};\n");
            shift = $"{name}_s[ch]";
        }
        string x;
        if (r.Falling.All(f => !f))
            x = "z";
        else if (r.Falling.All(f => f))
            x = "-z";
        else
        {
            var words = new uint[(r.Count + 31) / 32];
            for (var j = 0; j < r.Count; j++)
                if (r.Falling[j])
                    words[j / 32] |= 1u << (j % 32);
            text.Append($"static const uint32_t {name}_f[{words.Length}] = {{\n{CLiterals.List(words, CLiterals.Word, 6)}\n}};\n");
            x = $"QNN_BIT({name}_f, ch) ? -z : z";
        }
        return $"const int32_t qx = {x};\n            uint32_t fired = 0;\n            if (qx >= {name}_b[ch])\n                fired = qnn_requant((uint32_t)qx - (uint32_t){name}_b[ch], {name}_k[ch], {name}_o[ch], {shift}, {r.Top}u);";
    }

    /// <summary>The narrowest signed C type that holds every value.</summary>
    private static string Narrowest(long[] values) =>
        values.All(t => t is >= sbyte.MinValue and <= sbyte.MaxValue) ? "int8_t"
        : values.All(t => t is >= short.MinValue and <= short.MaxValue) ? "int16_t" : "int32_t";

    /// <summary>The activation of an activated output, as LayerOutput's Activate computes it in float32.</summary>
    private static string Activation(string name, LayerOutput output)
    {
        var p = CLiterals.Float(output.Parameter);
        var body = output.Activation switch
        {
            OutputActivation.Relu => "    return y > 0.0f ? y : 0.0f;\n",
            OutputActivation.Sign => "    return y >= 0.0f ? 1.0f : -1.0f;\n",
            OutputActivation.Ternary => $"    return y > {p} ? 1.0f : (y < -{p} ? -1.0f : 0.0f);\n",
            // round(clip(y, 0, 1)·L) half to even; t is in [0, L] with L below 2^32, so the
            // truncation is exact and so is t - whole.
            OutputActivation.DoReFa => $"    float t = (y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y)) * {p};\n    uint32_t whole;\n    float rest;\n    if (!(t >= 0.0f))\n        return t;\n    whole = (uint32_t)t;\n    rest = t - (float)whole;\n    if (rest > 0.5f || (rest == 0.5f && (whole & 1u)))\n        whole++;\n    return (float)whole;\n",
            _ => "    return y;\n",
        };
        return $"static float {name}_activate(float y)\n{{\n{body}}}\n";
    }

    private void GeneralDense(string name, GeneralDenseLayer g, CValues input)
    {
        var n = g.InputSize;
        var integer = g.IntegerSums;
        var factor = Multipliers(name, g.Multipliers);
        if (integer && Packable(g.Weights))
        {
            // Weights of at most 8 bits packed to their width.
            var packed = PackedRows(name, g.Weights.Integers!, g.OutputSize, n, g.Weights.Bits, Read(input, "i", true) + factor, signs: input == CValues.Packed);
            DenseRows(name, g.OutputSize, "j, i, z", "", packed, GeneralOutput(name, g.Output, true));
            return;
        }
        var type = WeightTable(name, g.Weights, integer);
        if (g.Divisors is { } divisors)
            Floats($"{name}_d", divisors);
        var store = GeneralOutput(name, g.Output, integer);
        string sum;
        if (integer)
        {
            var term = Read(input, "i", true) + factor;
            sum = $"        int32_t z = 0;\n        for (i = 0; i < {n}L; i++)\n            z += QNN_MUL({term}, (int32_t)row[i]);\n";
            UsesWeightProducts = true;
        }
        else
        {
            var x = g.Divisors is null ? Read(input, "i", false) : $"{Read(input, "i", false)} / {name}_d[i]";
            sum = $"        double sum = 0.0;\n        for (i = 0; i < {n}L; i++)\n            sum += (double)row[i] * (double)({x});\n";
        }
        DenseRows(name, g.OutputSize, "j, i", $"        const {type} *row = {name}_q + j * {n}L;\n", sum, store);
    }

    /// <summary>Whether integer weights pack into fields (at most 8 bits): LayerWeights.Integer
    /// holds them within ±(2^(bits−1) − 1), inside the two's-complement range of FieldBits(bits).</summary>
    private static bool Packable(LayerWeights weights) => weights.IsInteger && weights.Bits is >= 1 and <= 8;

    private void GeneralConv(string name, GeneralConvLayer g, CValues input)
    {
        int height = g.InputShape[1], width = g.InputShape[2], k = g.Kernel;
        var perGroupIn = g.InputShape[0] / g.Groups;
        var perGroupOut = g.OutChannels / g.Groups;
        var integer = g.IntegerSums;
        var type = WeightTable(name, g.Weights, integer);
        var store = GeneralOutput(name, g.Output, integer, null, g.OutHeight * g.OutWidth);
        UsesWeightProducts |= integer;
        text.Append(Begin(name, g.OutputSize, false));
        var accumulate = integer
            ? $"z += QNN_MUL({Read(input, "at", true)}, (int32_t)w[(ci * {k}L + ky) * {k}L + kx]);"
            : $"sum += (double)w[(ci * {k}L + ky) * {k}L + kx] * (double)({Read(input, "at", false)} / {CLiterals.Float(g.Divisor)});";
        text.Append($$"""
                int32_t ch, oy, ox, ci, ky, kx;
                for (ch = 0; ch < {{g.OutChannels}}L; ch++) {
                    const int32_t first = ch / {{perGroupOut}}L * {{perGroupIn}}L;
                    const {{type}} *w = {{name}}_q + ch * {{perGroupIn * k * k}}L;
                    for (oy = 0; oy < {{g.OutHeight}}L; oy++)
                        for (ox = 0; ox < {{g.OutWidth}}L; ox++) {
                            const int32_t idx = (ch * {{g.OutHeight}}L + oy) * {{g.OutWidth}}L + ox;
                            {{(integer ? "int32_t z = 0;" : "double sum = 0.0;")}}
                            for (ci = 0; ci < {{perGroupIn}}L; ci++)
                                for (ky = 0; ky < {{k}}L; ky++) {
                                    const int32_t y = oy * {{g.Stride}}L - {{g.Padding}}L + ky * {{g.Dilation}}L;
                                    if (y < 0 || y >= {{height}}L)
                                        continue;
                                    for (kx = 0; kx < {{k}}L; kx++) {
                                        const int32_t x = ox * {{g.Stride}}L - {{g.Padding}}L + kx * {{g.Dilation}}L;
                                        int32_t at;
                                        if (x < 0 || x >= {{width}}L)
                                            continue;
                                        at = ((first + ci) * {{height}}L + y) * {{width}}L + x;
                                        {{accumulate}}
                                    }
                                }
                            {{store}}
                        }
                }
            }

            """);
    }

    /// <summary>Window sums, as <see cref="AveragePoolLayer"/>: whole numbers in int32 (codes, ±1
    /// and integer levels), real values in float32 in the engine's order.</summary>
    private void AveragePool(string name, AveragePoolLayer p, CValues input)
    {
        int channels = p.InputShape[0], height = p.InputShape[1], width = p.InputShape[2], pool = p.Pool;
        int outHeight = height / pool, outWidth = width / pool;
        var whole = input is CValues.Ints or CValues.Bytes or CValues.Codes or CValues.Packed;
        var (type, zero, store) = whole ? ("int32_t", "0", "(uint32_t)sum") : ("float", "0.0f", "qnn_word(sum)");
        UsesFloatWords |= !whole;
        PoolingLoops(name, p.OutputSize, channels, outHeight, outWidth, $$"""
                            {{type}} sum = {{zero}};
                            for (dy = 0; dy < {{pool}}L; dy++)
                                for (dx = 0; dx < {{pool}}L; dx++)
                                    sum += {{Read(input, $"(c * {height}L + oy * {pool}L + dy) * {width}L + ox * {pool}L + dx", whole)}};
                            out[(c * {{outHeight}}L + oy) * {{outWidth}}L + ox] = {{store}};
            """);
    }

    private void ValueMaxPool(string name, ValueMaxPoolLayer p, CValues input)
    {
        int channels = p.InputShape[0], height = p.InputShape[1], width = p.InputShape[2], pool = p.Pool;
        int outHeight = height / pool, outWidth = width / pool;
        // Whole numbers stay whole (an integer maximum); other values are float words.
        var whole = input is CValues.Ints or CValues.Bytes;
        var (type, store) = whole ? ("int32_t", input == CValues.Bytes ? "(unsigned char)best" : "(uint32_t)best") : ("float", "qnn_word(best)");
        var target = input == CValues.Bytes ? "((unsigned char *)out)" : "out";
        UsesFloatWords |= !whole;
        PoolingLoops(name, p.OutputSize, channels, outHeight, outWidth, $$"""
                            {{type}} best = {{Read(input, $"(c * {height}L + oy * {pool}L) * {width}L + ox * {pool}L", whole)}};
                            for (dy = 0; dy < {{pool}}L; dy++)
                                for (dx = 0; dx < {{pool}}L; dx++) {
                                    const {{type}} v = {{Read(input, $"(c * {height}L + oy * {pool}L + dy) * {width}L + ox * {pool}L + dx", whole)}};
                                    if (v > best)
                                        best = v;
                                }
                            {{target}}[(c * {{outHeight}}L + oy) * {{outWidth}}L + ox] = {{store}};
            """);
    }
}
