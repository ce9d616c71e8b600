namespace Qnn.Export.C;

/// <summary>
/// Integer weights packed to their width: two's-complement fields of 2, 4 or 8 bits (the next
/// power of two at or above the weights' bits, so no field straddles a word), each row starting on
/// a 32-bit word. A dense row is read by shifting its current word right one field a weight (no
/// variable shift) and sign-extending with (v ^ half) − half; ternary weights select ±x instead of
/// multiplying on a core without a multiplier (rv32ec: each multiply is a libgcc call).
/// </summary>
internal sealed partial class CLayerWriter
{
    /// <summary>Whether a layer multiplies by packed weights (so QNN_TERNARY and QNN_MUL are needed).</summary>
    public bool UsesWeightProducts { get; private set; }

    /// <summary>Whether every weight is -1, 0 or 1 (multiplied as QNN_TERNARY: a selection where
    /// the core has no multiplier).</summary>
    public static bool Ternary(IEnumerable<int> weights) => weights.All(w => w is >= -1 and <= 1);

    /// <summary>The field width that holds signed integers of <paramref name="bits"/> bits (at most 8).</summary>
    private static int FieldBits(int bits) => bits <= 2 ? 2 : bits <= 4 ? 4 : 8;

    /// <summary>Writes <c>NAME_p</c>, the weights of <paramref name="rows"/> rows of
    /// <paramref name="n"/> packed to <paramref name="bits"/>; returns the statements that declare
    /// <c>row</c> for output <c>j</c> and sum z = Σ <paramref name="value"/>(i) · w[j][i]; with
    /// <paramref name="signs"/> (±1 inputs) z = Σ ±w[j][i], the weight or its negation chosen by
    /// the input's bit (no multiply: rv32ec's libgcc multiply by −1 loops over 32 bits).</summary>
    private string PackedRows(string name, IReadOnlyList<int> weights, int rows, int n, int bits, string value, bool signs = false)
    {
        var width = FieldBits(bits);
        var perWord = 32 / width;
        var rowWords = (n + perWord - 1) / perWord;
        var words = new uint[rows * rowWords];
        var mask = (1u << width) - 1;
        for (var j = 0; j < rows; j++)
            for (var i = 0; i < n; i++)
                words[j * rowWords + i / perWord] |= ((uint)weights[j * n + i] & mask) << (i % perWord * width);
        text.Append($"/* {n} weights a row, {width} bits each (two's complement), {rowWords} words a row. */\n");
        text.Append($"static const uint32_t {name}_p[{words.Length}] = {{\n{CLiterals.List(words, CLiterals.Word, 6)}\n}};\n");
        var ternary = Ternary(weights);
        UsesWeightProducts |= !signs;
        var term = signs ? "QNN_BIT(in, i) ? q : -q" : ternary ? "QNN_TERNARY(x, q)" : "QNN_MUL(x, q)";
        var input = signs ? "" : $"\n                    const int32_t x = {value};";
        return $$"""
                    const uint32_t *row = {{name}}_p + j * {{rowWords}}L;
                    uint32_t bits = 0;
                    z = 0;
                    for (i = 0; i < {{n}}L; i++, bits >>= {{width}}) {{{input}}
                        int32_t q;
                        if ((i & {{perWord - 1}}L) == 0)
                            bits = row[i >> {{System.Numerics.BitOperations.Log2((uint)perWord)}}];
                        q = ((int32_t)(bits & {{mask}}u) ^ {{1 << (width - 1)}}L) - {{1 << (width - 1)}}L;
                        z += {{term}};
                    }

            """;
    }
}
