using System.Runtime.Intrinsics;

namespace Qnn.Engine.Kernels;

/// <summary>
/// Packs ±1 values 64 to a <c>ulong</c>: bit i of word i/64 is 1 for +1 (a value &gt;= 0, so sign(0) =
/// +1 as in training) and 0 for -1. Bits past the vector's length stay 0 in every packed vector,
/// so XOR-based kernels need no mask: padding never differs.
/// </summary>
public static class BitPacking
{
    /// <summary>Words needed for <paramref name="bits"/> bits.</summary>
    public static int WordsFor(int bits) => (bits + 63) >> 6;

    /// <summary>Packs the signs of <paramref name="values"/> into <paramref name="words"/> (cleared first).</summary>
    public static void PackSigns(ReadOnlySpan<float> values, Span<ulong> words)
    {
        if (words.Length < WordsFor(values.Length))
            throw new ArgumentException($"{values.Length} values need {WordsFor(values.Length)} words, got {words.Length}", nameof(words));
        words.Slice(0, WordsFor(values.Length)).Clear();
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // 16 signs per compare; (NaN >= 0) is false in both paths.
            for (; i + 16 <= values.Length; i += 16)
                words[i >> 6] |= (ulong)Vector512.GreaterThanOrEqual(Vector512.Create(values.Slice(i, 16)), Vector512<float>.Zero).ExtractMostSignificantBits() << (i & 63);
        }
        for (; i < values.Length; i++)
        {
            if (values[i] >= 0)
                words[i >> 6] |= 1UL << (i & 63);
        }
    }

    /// <summary>The signs of <paramref name="values"/>, packed into a new array.</summary>
    public static ulong[] PackSigns(ReadOnlySpan<float> values)
    {
        var words = new ulong[WordsFor(values.Length)];
        PackSigns(values, words);
        return words;
    }

    /// <summary>The ±1 value of bit <paramref name="index"/>.</summary>
    public static int SignAt(ReadOnlySpan<ulong> words, int index) => ((words[index >> 6] >> (index & 63)) & 1) == 1 ? 1 : -1;

    /// <summary>Writes ±1 for each of the first <c>values.Length</c> bits.</summary>
    public static void UnpackSigns(ReadOnlySpan<ulong> words, Span<float> values)
    {
        for (var i = 0; i < values.Length; i++)
            values[i] = SignAt(words, i);
    }
}
