using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qnn.Engine.Kernels;

/// <summary>
/// u8 input codes against ±1 weights with AVX-512BW where the runtime offers no VNNI (.NET 10
/// exposes VNNI only as the VEX AVX-VNNI, which CPUs with only AVX512_VNNI lack): the layout of
/// <see cref="ByteDotVnni"/>, weights k-major in blocks of 16 outputs × 4 inputs, one broadcast
/// 4-byte chunk of a sample's codes meeting 16 outputs per vpmaddubsw. Each int16 lane takes one
/// pair sum (at most 2·255) per chunk, so 64 chunks add up in int16 (64·510 &lt; 2^15) before one
/// vpmaddwd widens them into the int32 sums: about two instructions per 64 multiply-adds, the
/// rate of 256-bit VNNI. A panel of 32 outputs stays in L1 while a block's samples pass it, four
/// at a time.
/// </summary>
internal static class ByteDotAvx512
{
    /// <summary>Outputs one accumulator covers.</summary>
    private const int Lanes = 16;

    /// <summary>4-input chunks an int16 accumulator takes before it could overflow.</summary>
    private const int ChunksPerFlush = 64;

    /// <summary>Whether this CPU has AVX-512BW.</summary>
    public static bool IsSupported => Avx512BW.IsSupported;

    /// <summary>Bytes per sample's codes: inputs rounded up to 4 (the padding is 0).</summary>
    public static int Stride(int inputs) => KMajorBytes.Stride(inputs);

    /// <summary>Outputs rounded up to a panel of 32 (padding outputs have zero weights).</summary>
    public static int PaddedOutputs(int outputs) => KMajorBytes.PaddedOutputs(outputs, Lanes);

    /// <summary>Expands packed sign rows into the k-major ±1 layout:
    /// [output / 16][input / 4][output % 16][input % 4], zero past the last input or output.</summary>
    public static sbyte[] Arrange(ReadOnlySpan<ulong> rows, int inputs, int outputs) => KMajorBytes.Arrange(rows, inputs, outputs, Lanes);

    /// <summary>
    /// z[s·PaddedOutputs + j] = Σ_i codes[s·Stride + i]·w[j, i] for <paramref name="count"/> samples
    /// (codes one after another, <see cref="Stride"/> bytes each) and weights from <see cref="Arrange"/>.
    /// </summary>
    public static void Run(ReadOnlySpan<byte> codes, int count, ReadOnlySpan<sbyte> weights, int inputs, Span<int> z)
    {
        if (!IsSupported)
            throw new PlatformNotSupportedException("this CPU has no AVX-512BW");
        var groups = Stride(inputs) / 4;
        var padded = KMajorBytes.CheckRun(codes.Length, count, weights.Length, inputs, z.Length);
        var panels = MemoryMarshal.Cast<sbyte, Vector512<sbyte>>(weights);
        var chunks = MemoryMarshal.Cast<byte, int>(codes);
        var sums = MemoryMarshal.Cast<int, Vector512<int>>(z);
        var blocksPerSample = padded / Lanes;
        var ones = Vector512.Create((short)1);
        for (var block = 0; block < blocksPerSample; block += 2)
        {
            var w0 = panels.Slice(block * groups, groups);
            var w1 = panels.Slice((block + 1) * groups, groups);
            var s = 0;
            for (; s + 4 <= count; s += 4)
            {
                var x0 = chunks.Slice(s * groups, groups);
                var x1 = chunks.Slice((s + 1) * groups, groups);
                var x2 = chunks.Slice((s + 2) * groups, groups);
                var x3 = chunks.Slice((s + 3) * groups, groups);
                Vector512<int> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
                for (var start = 0; start < groups; start += ChunksPerFlush)
                {
                    var end = Math.Min(groups, start + ChunksPerFlush);
                    Vector512<short> h00 = default, h01 = default, h10 = default, h11 = default, h20 = default, h21 = default, h30 = default, h31 = default;
                    for (var k = start; k < end; k++)
                    {
                        var (left, right) = (w0[k], w1[k]);
                        var c = Vector512.Create(x0[k]).AsByte();
                        h00 += Avx512BW.MultiplyAddAdjacent(c, left);
                        h01 += Avx512BW.MultiplyAddAdjacent(c, right);
                        c = Vector512.Create(x1[k]).AsByte();
                        h10 += Avx512BW.MultiplyAddAdjacent(c, left);
                        h11 += Avx512BW.MultiplyAddAdjacent(c, right);
                        c = Vector512.Create(x2[k]).AsByte();
                        h20 += Avx512BW.MultiplyAddAdjacent(c, left);
                        h21 += Avx512BW.MultiplyAddAdjacent(c, right);
                        c = Vector512.Create(x3[k]).AsByte();
                        h30 += Avx512BW.MultiplyAddAdjacent(c, left);
                        h31 += Avx512BW.MultiplyAddAdjacent(c, right);
                    }
                    a00 += Avx512BW.MultiplyAddAdjacent(h00, ones);
                    a01 += Avx512BW.MultiplyAddAdjacent(h01, ones);
                    a10 += Avx512BW.MultiplyAddAdjacent(h10, ones);
                    a11 += Avx512BW.MultiplyAddAdjacent(h11, ones);
                    a20 += Avx512BW.MultiplyAddAdjacent(h20, ones);
                    a21 += Avx512BW.MultiplyAddAdjacent(h21, ones);
                    a30 += Avx512BW.MultiplyAddAdjacent(h30, ones);
                    a31 += Avx512BW.MultiplyAddAdjacent(h31, ones);
                }
                (sums[s * blocksPerSample + block], sums[s * blocksPerSample + block + 1]) = (a00, a01);
                (sums[(s + 1) * blocksPerSample + block], sums[(s + 1) * blocksPerSample + block + 1]) = (a10, a11);
                (sums[(s + 2) * blocksPerSample + block], sums[(s + 2) * blocksPerSample + block + 1]) = (a20, a21);
                (sums[(s + 3) * blocksPerSample + block], sums[(s + 3) * blocksPerSample + block + 1]) = (a30, a31);
            }
            for (; s < count; s++)
            {
                var x = chunks.Slice(s * groups, groups);
                Vector512<int> a0 = default, a1 = default;
                for (var start = 0; start < groups; start += ChunksPerFlush)
                {
                    var end = Math.Min(groups, start + ChunksPerFlush);
                    Vector512<short> h0 = default, h1 = default;
                    for (var k = start; k < end; k++)
                    {
                        var c = Vector512.Create(x[k]).AsByte();
                        h0 += Avx512BW.MultiplyAddAdjacent(c, w0[k]);
                        h1 += Avx512BW.MultiplyAddAdjacent(c, w1[k]);
                    }
                    a0 += Avx512BW.MultiplyAddAdjacent(h0, ones);
                    a1 += Avx512BW.MultiplyAddAdjacent(h1, ones);
                }
                (sums[s * blocksPerSample + block], sums[s * blocksPerSample + block + 1]) = (a0, a1);
            }
        }
    }
}
