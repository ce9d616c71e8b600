using Qnn.Engine;

namespace Qnn.Export.C;

/// <summary>
/// The ±1-weight convolution. Both inputs gather each output position's window once and then
/// compare it with every channel's weight row: input codes as one int32 a tap (0 outside the
/// image, the padding's code), summed as z = 2 · Σ(codes under +1 weights) − Σ(codes), the weight
/// bits read by shifting a word (no per-bit branch, no variable shift); ±1 inputs as packed words
/// built a kernel row at a time (a row of the window is a run of adjacent bits of the input), so
/// z = inside − 2 · popcount((window XOR row) AND valid), the validity words only where there is
/// padding. A sign max-pooling after it is fused: each sign is ORed into its pooled output.
/// </summary>
internal sealed partial class CLayerWriter
{
    /// <summary>Whether a layer reads and writes bit fields (so the field helpers are needed).</summary>
    public bool UsesFields { get; private set; }

    private void Conv(string name, BinaryConvLayer c, MaxPoolLayer? pool)
    {
        int channels = c.InputShape[0], height = c.InputShape[1], width = c.InputShape[2], k = c.Kernel;
        var perGroupIn = channels / c.Groups;
        var perGroupOut = c.OutChannels / c.Groups;
        var windowBits = perGroupIn * k * k;
        var rowWords = CLayerPlan.PackedWords(windowBits);
        Words($"{name}_w", c.PackedWeights);
        // Fused pooling: only the positions of whole windows, each sign into output (oy/P, ox/P).
        var p = pool?.Pool ?? 1;
        int outHeight = c.OutHeight / p, outWidth = c.OutWidth / p;
        var store = GeneralOutput(name, c.Output, true, c.CodeInputs ? null : windowBits, outHeight * outWidth);
        var position = p == 1 ? $"oy * {outWidth}L + ox" : $"oy / {p}L * {outWidth}L + ox / {p}L";
        text.Append(Begin(name, pool?.OutputSize ?? c.OutputSize, true));
        text.Append($$"""
                int32_t oy, ox, g, ci, ky, ch, z;
                for (oy = 0; oy < {{outHeight * p}}L; oy++)
                    for (ox = 0; ox < {{outWidth * p}}L; ox++)
                        for (g = 0; g < {{c.Groups}}L; g++) {
                            const int32_t position = {{position}};

            """);
        var body = c.CodeInputs ? CodesWindow(name, c, perGroupIn, perGroupOut, windowBits, rowWords, store, height, width, outHeight * outWidth)
            : SignsWindow(name, c, perGroupIn, perGroupOut, windowBits, rowWords, store, height, width, outHeight * outWidth);
        text.Append(body);
        text.Append("}\n");
    }

    private static string CodesWindow(string name, BinaryConvLayer c, int perGroupIn, int perGroupOut, int windowBits, int rowWords, string store, int height, int width, int positions)
    {
        var k = c.Kernel;
        // Weight bits a word at a time: t runs over the window, bits shifts right once per tap.
        var taps = windowBits <= 32
            ? $"                            uint32_t bits = row[0];\n                            for (t = 0; t < {windowBits}L; t++, bits >>= 1)\n                                plus += v[t] & -(int32_t)(bits & 1u);\n"
            : $"                            int32_t word;\n                            for (word = 0, t = 0; word < {(windowBits + 31) / 32}L; word++) {{\n                                uint32_t bits = row[word];\n                                const int32_t end = t + 32L < {windowBits}L ? t + 32L : {windowBits}L;\n                                for (; t < end; t++, bits >>= 1)\n                                    plus += v[t] & -(int32_t)(bits & 1u);\n                            }}\n";
        return $$"""
                            int32_t *v = (int32_t *)work, total = 0, t = 0, kx;
                            /* The window's codes, 0 outside the image (the padding is code 0). */
                            for (ci = 0; ci < {{perGroupIn}}L; ci++)
                                for (ky = 0; ky < {{k}}L; ky++) {
                                    const int32_t y = oy * {{c.Stride}}L - {{c.Padding}}L + ky * {{c.Dilation}}L;
                                    for (kx = 0; kx < {{k}}L; kx++, t++) {
                                        const int32_t x = ox * {{c.Stride}}L - {{c.Padding}}L + kx * {{c.Dilation}}L;
                                        v[t] = y < 0 || y >= {{height}}L || x < 0 || x >= {{width}}L ? 0
                                            : (int32_t)in[((g * {{perGroupIn}}L + ci) * {{height}}L + y) * {{width}}L + x];
                                        total += v[t];
                                    }
                                }
                            for (ch = g * {{perGroupOut}}L; ch < (g + 1) * {{perGroupOut}}L; ch++) {
                                const uint32_t *row = {{name}}_w + ch * {{rowWords}}L;
                                const int32_t idx = ch * {{positions}}L + position;
                                int32_t plus = 0;
                                t = 0;
            {{taps}}                    z = 2 * plus - total;
                                {{store}}
                            }
                        }

            """;
    }

    private string SignsWindow(string name, BinaryConvLayer c, int perGroupIn, int perGroupOut, int windowBits, int rowWords, string store, int height, int width, int positions)
    {
        UsesPopCount = true;
        var k = c.Kernel;
        var padded = c.Padding > 0;
        string gather;
        var fields = c.Dilation == 1 && k <= 32;
        if (fields)
        {
            // A kernel row is k adjacent input bits: one field, clipped to the image where padded.
            UsesFields = true;
            // Where the whole window lies inside the image (most positions), a row is one field
            // and every bit is valid: the clipping and the validity bits only at the border.
            var columns = padded
                ? $$"""
                                        if (interior) {
                                            qnn_put(window, at, qnn_field(in, base + x0, {{k}}L), {{k}}L);
                                            continue;
                                        }
                                        {
                                        const int32_t left = x0 < 0 ? -x0 : 0, right = x0 + {{k}}L > {{width}}L ? x0 + {{k}}L - {{width}}L : 0;
                                        const int32_t count = {{k}}L - left - right;
                                        if (y < 0 || y >= {{height}}L || count <= 0)
                                            continue;
                                        qnn_put(window, at + left, qnn_field(in, base + x0 + left, count), count);
                                        qnn_put(valid, at + left, qnn_ones(count), count);
                                        inside += count;
                                        }
                    """
                : $$"""
                                        qnn_put(window, at, qnn_field(in, base + x0, {{k}}L), {{k}}L);
                    """;
            gather = $$"""
                                for (ci = 0; ci < {{perGroupIn}}L; ci++)
                                    for (ky = 0; ky < {{k}}L; ky++) {
                                        const int32_t y = y0 + ky;
                                        const int32_t at = (ci * {{k}}L + ky) * {{k}}L;
                                        const int32_t base = ((g * {{perGroupIn}}L + ci) * {{height}}L + y) * {{width}}L;
                {{columns}}
                                    }

                """;
        }
        else
        {
            // Dilated or wide kernels: bit by bit.
            gather = $$"""
                                int32_t kx, bit = 0;
                                for (ci = 0; ci < {{perGroupIn}}L; ci++)
                                    for (ky = 0; ky < {{k}}L; ky++)
                                        for (kx = 0; kx < {{k}}L; kx++, bit++) {
                                            const int32_t y = oy * {{c.Stride}}L - {{c.Padding}}L + ky * {{c.Dilation}}L;
                                            const int32_t x = ox * {{c.Stride}}L - {{c.Padding}}L + kx * {{c.Dilation}}L;
                                            if (y < 0 || y >= {{height}}L || x < 0 || x >= {{width}}L)
                                                continue;
                                            {{(padded ? "inside++;\n                                            QNN_SET(valid, bit);" : "")}}
                                            if (QNN_BIT(in, ((g * {{perGroupIn}}L + ci) * {{height}}L + y) * {{width}}L + x))
                                                QNN_SET(window, bit);
                                        }

                """;
        }
        var differing = padded ? "qnn_popcount((window[w] ^ row[w]) & valid[w])" : "qnn_popcount(window[w] ^ row[w])";
        var corner = !fields ? "" : $$"""
                            const int32_t x0 = ox * {{c.Stride}}L - {{c.Padding}}L, y0 = oy * {{c.Stride}}L - {{c.Padding}}L;

            """;
        var border = padded && fields
            ? $$"""
                            const int interior = y0 >= 0 && y0 + {{k}}L <= {{height}}L && x0 >= 0 && x0 + {{k}}L <= {{width}}L;
                            int32_t inside = interior ? {{windowBits}}L : 0;
                            memset(window, 0, {{4 * rowWords}}L);
                            memset(valid, interior ? 0xFF : 0, {{4 * rowWords}}L);

            """
            : $$"""
                            {{(padded ? "int32_t inside = 0;\n" : "")}}memset(work, 0, {{(padded ? 8 : 4) * rowWords}}L);

            """;
        return $$"""
                            uint32_t *window = work{{(padded ? $", *valid = work + {rowWords}L" : "")}};
                            int32_t w;
            {{corner}}{{border}}
            {{gather}}                for (ch = g * {{perGroupOut}}L; ch < (g + 1) * {{perGroupOut}}L; ch++) {
                                const uint32_t *row = {{name}}_w + ch * {{rowWords}}L;
                                const int32_t idx = ch * {{positions}}L + position;
                                int32_t differing = 0;
                                for (w = 0; w < {{rowWords}}L; w++)
                                    differing += {{differing}};
                                z = {{(padded ? "inside" : windowBits + "L")}} - 2 * differing;
                                {{store}}
                            }
                        }

            """;
    }
}
