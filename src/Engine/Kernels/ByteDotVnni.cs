using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qnn.Engine.Kernels;

/// <summary>
/// u8 input codes against ±1 weights with VNNI (vpdpbusd: four u8×s8 products summed into each
/// int32 lane in one instruction), laid out the way integer GEMMs are: weights k-major in blocks
/// of 8 outputs × 4 inputs, so one broadcast 4-byte chunk of a sample's codes meets 8 outputs per
/// instruction with no horizontal sums. A panel of 16 outputs (12.5 KiB for 784 inputs) stays in
/// L1 while every sample of a block passes it, four samples at a time, so the weights are read
/// from memory once per block rather than once per sample.
/// </summary>
internal static class ByteDotVnni
{
    /// <summary>Outputs one accumulator covers.</summary>
    private const int Lanes = 8;

    /// <summary>Whether this CPU has AVX-VNNI.</summary>
    public static bool IsSupported => AvxVnni.IsSupported;

    /// <summary>Bytes per sample's codes: inputs rounded up to 4 (the padding is 0).</summary>
    public static int Stride(int inputs) => KMajorBytes.Stride(inputs);

    /// <summary>Outputs rounded up to a panel of 16 (padding outputs have zero weights).</summary>
    public static int PaddedOutputs(int outputs) => KMajorBytes.PaddedOutputs(outputs, Lanes);

    /// <summary>Expands packed sign rows into the k-major ±1 layout:
    /// [output / 8][input / 4][output % 8][input % 4], zero past the last input or output.</summary>
    public static sbyte[] Arrange(ReadOnlySpan<ulong> rows, int inputs, int outputs) => KMajorBytes.Arrange(rows, inputs, outputs, Lanes);

    /// <summary>
    /// z[s·PaddedOutputs + j] = Σ_i codes[s·Stride + i]·w[j, i] for <paramref name="count"/> samples
    /// (codes one after another, <see cref="Stride"/> bytes each) and weights from <see cref="Arrange"/>.
    /// </summary>
    public static void Run(ReadOnlySpan<byte> codes, int count, ReadOnlySpan<sbyte> weights, int inputs, Span<int> z)
    {
        if (!IsSupported)
            throw new PlatformNotSupportedException("this CPU has no AVX-VNNI");
        var groups = Stride(inputs) / 4;
        var padded = KMajorBytes.CheckRun(codes.Length, count, weights.Length, inputs, z.Length);
        var panels = MemoryMarshal.Cast<sbyte, Vector256<sbyte>>(weights);
        var chunks = MemoryMarshal.Cast<byte, int>(codes);
        var sums = MemoryMarshal.Cast<int, Vector256<int>>(z);
        var blocksPerSample = padded / Lanes;
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
                Vector256<int> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
                for (var k = 0; k < groups; k++)
                {
                    var (left, right) = (w0[k], w1[k]);
                    var c = Vector256.Create(x0[k]).AsByte();
                    a00 = AvxVnni.MultiplyWideningAndAdd(a00, c, left);
                    a01 = AvxVnni.MultiplyWideningAndAdd(a01, c, right);
                    c = Vector256.Create(x1[k]).AsByte();
                    a10 = AvxVnni.MultiplyWideningAndAdd(a10, c, left);
                    a11 = AvxVnni.MultiplyWideningAndAdd(a11, c, right);
                    c = Vector256.Create(x2[k]).AsByte();
                    a20 = AvxVnni.MultiplyWideningAndAdd(a20, c, left);
                    a21 = AvxVnni.MultiplyWideningAndAdd(a21, c, right);
                    c = Vector256.Create(x3[k]).AsByte();
                    a30 = AvxVnni.MultiplyWideningAndAdd(a30, c, left);
                    a31 = AvxVnni.MultiplyWideningAndAdd(a31, c, right);
                }
                (sums[s * blocksPerSample + block], sums[s * blocksPerSample + block + 1]) = (a00, a01);
                (sums[(s + 1) * blocksPerSample + block], sums[(s + 1) * blocksPerSample + block + 1]) = (a10, a11);
                (sums[(s + 2) * blocksPerSample + block], sums[(s + 2) * blocksPerSample + block + 1]) = (a20, a21);
                (sums[(s + 3) * blocksPerSample + block], sums[(s + 3) * blocksPerSample + block + 1]) = (a30, a31);
            }
            for (; s < count; s++)
            {
                var x = chunks.Slice(s * groups, groups);
                Vector256<int> a0 = default, a1 = default;
                for (var k = 0; k < groups; k++)
                {
                    var c = Vector256.Create(x[k]).AsByte();
                    a0 = AvxVnni.MultiplyWideningAndAdd(a0, c, w0[k]);
                    a1 = AvxVnni.MultiplyWideningAndAdd(a1, c, w1[k]);
                }
                (sums[s * blocksPerSample + block], sums[s * blocksPerSample + block + 1]) = (a0, a1);
            }
        }
    }
}
