using System.Runtime.Intrinsics;

namespace Qnn.Engine.Kernels;

/// <summary>Integer input codes (held as floats) narrowed to bytes, for the u8 × ±1 byte dots.</summary>
internal static class ByteCodes
{
    /// <summary>Copies <paramref name="codes"/> into <paramref name="bytes"/> (all of it cleared
    /// first, so the padding past the codes is 0); false when a code exceeds 255.</summary>
    public static bool TryNarrow(ReadOnlySpan<float> codes, Span<byte> bytes)
    {
        bytes.Clear();
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var limit = Vector512.Create(255f);
            for (; i + 16 <= codes.Length; i += 16)
            {
                var code = Vector512.Create(codes.Slice(i, 16));
                if (Vector512.GreaterThanAny(code, limit))
                    return false;
                var narrowed = Vector512.Narrow(Vector512.Narrow(Vector512.ConvertToInt32(code), Vector512<int>.Zero), Vector512<short>.Zero);
                narrowed.AsByte().GetLower().GetLower().CopyTo(bytes.Slice(i, 16));
            }
        }
        for (; i < codes.Length; i++)
        {
            var code = codes[i];
            if (code > 255)
                return false;
            bytes[i] = (byte)code;
        }
        return true;
    }
}
