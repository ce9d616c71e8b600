namespace Qnn.Engine;

/// <summary>
/// The weights of a <see cref="GeneralDenseLayer"/> or <see cref="GeneralConvLayer"/>: float32
/// values (<see cref="Bits"/> 0), binary ±1 (1 bit), or symmetric integers of 2..31 bits in
/// [−(2^(bits−1) − 1), 2^(bits−1) − 1] (ternary weights are 2-bit). Above 24 bits the core's
/// float32 integers round the top 2^(bits−1) − 1 up to 2^(bits−1), so the range is ±2^(bits−1)
/// there. In the file integers are packed to their width: q + top in <see cref="PackedWidth"/>
/// bits each (the width, one more above 24 bits), least significant first.
/// </summary>
public sealed class LayerWeights
{
    /// <summary>The widest integer weights (the core's n-bit weights take 2..31 bits).</summary>
    public const int MaxBits = 31;

    private LayerWeights(int bits, int[]? integers, float[]? floats)
    {
        Bits = bits;
        Integers = integers;
        Floats = floats;
    }

    /// <summary>0 for float weights, else the integer width.</summary>
    public int Bits { get; }

    /// <summary>The integer weights (null for float ones).</summary>
    public int[]? Integers { get; }

    /// <summary>The float weights (null for integer ones).</summary>
    public float[]? Floats { get; }

    /// <summary>Whether the weights are integers.</summary>
    public bool IsInteger => Integers is not null;

    /// <summary>How many weights.</summary>
    public int Count => Integers?.Length ?? Floats!.Length;

    /// <summary>The largest |integer| the width allows.</summary>
    public int Largest => Top(Bits);

    /// <summary>Weight <paramref name="i"/> as a float (exact for integers below 2^24; wider
    /// integers round as the core's float32 weights do).</summary>
    public float this[int i] => Integers is { } q ? q[i] : Floats![i];

    /// <summary>Bytes the weights take in the file.</summary>
    public long FileBytes => Bits == 0 ? 4L * Count : PackedBytes(Count, Bits);

    /// <summary>The largest |integer| of a width: 1 for binary, 2^(bits−1) − 1 up to 24 bits,
    /// 2^(bits−1) above (float32's rounding of 2^(bits−1) − 1).</summary>
    public static int Top(int bits) => bits <= 1 ? 1 : bits > 24 ? 1 << (bits - 1) : (1 << (bits - 1)) - 1;

    /// <summary>Bits one packed weight takes: the width, one more above 24 bits (q + top reaches 2^bits).</summary>
    public static int PackedWidth(int bits) => bits > 24 ? bits + 1 : bits;

    /// <summary>Bytes of <paramref name="count"/> weights of <paramref name="bits"/>, packed.</summary>
    public static long PackedBytes(long count, int bits) => (count * PackedWidth(bits) + 7) / 8;

    /// <summary>Float weights.</summary>
    public static LayerWeights Float(float[] weights) => new(0, null, weights);

    /// <summary>Integer weights of <paramref name="bits"/> (1 = binary ±1); refuses a weight out of range.</summary>
    public static LayerWeights Integer(int bits, int[] weights)
    {
        if (bits is < 1 or > MaxBits)
            throw new ArgumentException($"{bits}-bit weights; integer weights take 1..{MaxBits} bits");
        var top = Top(bits);
        for (var i = 0; i < weights.Length; i++)
        {
            var q = weights[i];
            if (bits == 1 ? q is not (1 or -1) : q < -top || q > top)
                throw new ArgumentException($"weight {i} is {q}, outside the {bits}-bit range");
        }
        return new(bits, weights, null);
    }

    /// <summary>The integers packed to their width (binary: bit 1 for +1).</summary>
    public byte[] Packed()
    {
        var q = Integers ?? throw new InvalidOperationException("float weights are not packed");
        var bytes = new byte[PackedBytes(q.Length, Bits)];
        var top = Bits == 1 ? 0 : (long)Largest;
        var width = PackedWidth(Bits);
        long at = 0;
        foreach (var value in q)
        {
            var code = Bits == 1 ? (value > 0 ? 1UL : 0UL) : (ulong)(value + top);
            for (var b = 0; b < width; b++, at++)
                if ((code >> b & 1) != 0) bytes[at >> 3] |= (byte)(1 << (int)(at & 7));
        }
        return bytes;
    }

    /// <summary>Unpacks <paramref name="count"/> integers of <paramref name="bits"/>; the index of
    /// the first code beyond the width's range is reported through <paramref name="bad"/> (-1 if none).</summary>
    public static int[] Unpack(ReadOnlySpan<byte> bytes, int bits, int count, out int bad)
    {
        var q = new int[count];
        var top = Top(bits);
        var width = PackedWidth(bits);
        bad = -1;
        long at = 0;
        for (var i = 0; i < count; i++)
        {
            ulong code = 0;
            for (var b = 0; b < width; b++, at++)
                code |= (ulong)(bytes[(int)(at >> 3)] >> (int)(at & 7) & 1) << b;
            if (bits == 1)
                q[i] = code == 1 ? 1 : -1;
            else
            {
                if (code > 2UL * (ulong)top && bad < 0) bad = i;
                q[i] = (int)((long)code - top);
            }
        }
        return q;
    }
}
