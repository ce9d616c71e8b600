using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qnn.Engine.Kernels;

/// <summary>The instruction set a popcount kernel uses.</summary>
public enum PopCountPath
{
    /// <summary>BitOperations.PopCount per 64-bit word (POPCNT where the CPU has it).</summary>
    Scalar,
    /// <summary>256-bit nibble lookup (vpshufb) and byte sums (vpsadbw), Muła's method.</summary>
    Avx2,
    /// <summary>The same on 512 bits with AVX-512BW. (.NET 10 exposes no VPOPCNTDQ intrinsic.)</summary>
    Avx512,
}

/// <summary>How two packed words combine before counting: XOR (differing signs) or AND.</summary>
internal interface IWordCombiner
{
    /// <summary>One word.</summary>
    static abstract ulong Combine(ulong a, ulong b);
    /// <summary>256 bits.</summary>
    static abstract Vector256<ulong> Combine(Vector256<ulong> a, Vector256<ulong> b);
    /// <summary>512 bits.</summary>
    static abstract Vector512<ulong> Combine(Vector512<ulong> a, Vector512<ulong> b);
}

/// <summary>a XOR b: the bits where two sign vectors differ.</summary>
internal readonly struct XorWords : IWordCombiner
{
    /// <inheritdoc />
    public static ulong Combine(ulong a, ulong b) => a ^ b;
    /// <inheritdoc />
    public static Vector256<ulong> Combine(Vector256<ulong> a, Vector256<ulong> b) => a ^ b;
    /// <inheritdoc />
    public static Vector512<ulong> Combine(Vector512<ulong> a, Vector512<ulong> b) => a ^ b;
}

/// <summary>a AND b: the bits set in both (bit-planes of input codes against +1 weights).</summary>
internal readonly struct AndWords : IWordCombiner
{
    /// <inheritdoc />
    public static ulong Combine(ulong a, ulong b) => a & b;
    /// <inheritdoc />
    public static Vector256<ulong> Combine(Vector256<ulong> a, Vector256<ulong> b) => a & b;
    /// <inheritdoc />
    public static Vector512<ulong> Combine(Vector512<ulong> a, Vector512<ulong> b) => a & b;
}

/// <summary>
/// popcount(a XOR b) over packed sign vectors: the Hamming distance behind XNOR–popcount, since
/// the dot product of two ±1 vectors of length n is n - 2·popcount(a XOR b). The fastest path the
/// CPU supports is chosen once at start; every path gives the same count (tested). No allocation.
/// </summary>
public static class PopCountKernel
{
    /// <summary>The fastest path this CPU supports, chosen once.</summary>
    public static PopCountPath Best { get; } =
        Avx512BW.IsSupported ? PopCountPath.Avx512 : Avx2.IsSupported ? PopCountPath.Avx2 : PopCountPath.Scalar;

    /// <summary>Whether this CPU can run <paramref name="path"/>.</summary>
    public static bool IsSupported(PopCountPath path) => path switch
    {
        PopCountPath.Avx512 => Avx512BW.IsSupported,
        PopCountPath.Avx2 => Avx2.IsSupported,
        _ => true,
    };

    /// <summary>popcount(a XOR b) with the best path.</summary>
    public static int XorPopCount(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b) => Count<XorWords>(a, b, Best);

    /// <summary>popcount(a XOR b) with a given path (for tests and benchmarks).</summary>
    public static int XorPopCount(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, PopCountPath path) => Count<XorWords>(a, b, path);

    /// <summary>popcount(a AND b) with the best path.</summary>
    public static int AndPopCount(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b) => Count<AndWords>(a, b, Best);

    /// <summary>popcount(a AND b) with a given path.</summary>
    public static int AndPopCount(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, PopCountPath path) => Count<AndWords>(a, b, path);

    /// <summary>popcount(combine(a, b)) with a given path.</summary>
    internal static int Count<TCombiner>(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, PopCountPath path)
        where TCombiner : struct, IWordCombiner
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"vectors of {a.Length} and {b.Length} words");
        return path switch
        {
            PopCountPath.Avx512 when Avx512BW.IsSupported => Avx512Count<TCombiner>(a, b),
            PopCountPath.Avx2 when Avx2.IsSupported => Avx2Count<TCombiner>(a, b),
            PopCountPath.Scalar => ScalarCount<TCombiner>(a, b, 0),
            _ => throw new PlatformNotSupportedException($"this CPU has no {path}"),
        };
    }

    private static int ScalarCount<TCombiner>(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, int start)
        where TCombiner : struct, IWordCombiner
    {
        var count = 0;
        for (var i = start; i < a.Length; i++)
            count += BitOperations.PopCount(TCombiner.Combine(a[i], b[i]));
        return count;
    }

    private static readonly Vector256<byte> NibbleCounts256 = Vector256.Create(
        (byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> ByteCounts256(Vector256<byte> v)
    {
        var low = Avx2.Shuffle(NibbleCounts256, v & Vector256.Create((byte)0x0f));
        var high = Avx2.Shuffle(NibbleCounts256, Avx2.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & Vector256.Create((byte)0x0f));
        return Avx2.SumAbsoluteDifferences(low + high, Vector256<byte>.Zero).AsUInt64();
    }

    private static int Avx2Count<TCombiner>(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
        where TCombiner : struct, IWordCombiner
    {
        var va = MemoryMarshal.Cast<ulong, Vector256<ulong>>(a);
        var vb = MemoryMarshal.Cast<ulong, Vector256<ulong>>(b);
        var sum = Vector256<ulong>.Zero;
        for (var i = 0; i < va.Length; i++)
            sum += ByteCounts256(TCombiner.Combine(va[i], vb[i]).AsByte());
        return (int)Vector256.Sum(sum) + ScalarCount<TCombiner>(a, b, va.Length * 4);
    }

    private static readonly Vector512<byte> NibbleCounts512 = Vector512.Create(NibbleCounts256, NibbleCounts256);

    /// <summary>The number of set bits in each byte of <paramref name="v"/> (0..8), by nibble lookup.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<byte> ByteCounts512(Vector512<byte> v)
    {
        var mask = Vector512.Create((byte)0x0f);
        return Avx512BW.Shuffle(NibbleCounts512, v & mask) + Avx512BW.Shuffle(NibbleCounts512, Avx512BW.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & mask);
    }

    private static int Avx512Count<TCombiner>(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
        where TCombiner : struct, IWordCombiner
    {
        var va = MemoryMarshal.Cast<ulong, Vector512<ulong>>(a);
        var vb = MemoryMarshal.Cast<ulong, Vector512<ulong>>(b);
        var sum = Vector512<ulong>.Zero;
        for (var i = 0; i < va.Length; i++)
            sum += Avx512BW.SumAbsoluteDifferences(ByteCounts512(TCombiner.Combine(va[i], vb[i]).AsByte()), Vector512<byte>.Zero).AsUInt64();
        var done = va.Length * 8;
        // A 256-bit step for the rest before going word by word.
        if (Avx2.IsSupported && a.Length - done >= 4)
            return (int)Vector512.Sum(sum) + Avx2Count<TCombiner>(a.Slice(done), b.Slice(done));
        return (int)Vector512.Sum(sum) + ScalarCount<TCombiner>(a, b, done);
    }
}
