using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Qnn.Engine.Kernels;

/// <summary>
/// Lays a layer's scratch regions one after another in its <see cref="Workspace"/> scratch (an
/// array of u64 words): each region is a count of values of one type, starting at the next byte
/// offset that is a multiple of its alignment. The layer asks for its regions in a fixed order,
/// keeps the <see cref="ScratchRegion{T}"/>s it gets, and reports <see cref="Words"/> as its
/// scratch size, so sizes and offsets are computed in one place.
/// </summary>
internal struct ScratchLayout
{
    private int bytes;

    /// <summary>Reserves <paramref name="count"/> values of <typeparamref name="T"/> at the next
    /// multiple of <paramref name="alignment"/> bytes (a whole word unless told otherwise).</summary>
    public ScratchRegion<T> Add<T>(int count, int alignment = sizeof(ulong)) where T : unmanaged
    {
        if (count < 0 || alignment <= 0 || alignment % Unsafe.SizeOf<T>() != 0)
            throw new ArgumentException($"a scratch region of {count} values aligned to {alignment} bytes");
        var offset = (bytes + alignment - 1) / alignment * alignment;
        bytes = checked(offset + count * Unsafe.SizeOf<T>());
        return new ScratchRegion<T>(offset, count);
    }

    /// <summary>Words the regions so far take, the last one rounded up to a whole word.</summary>
    public readonly int Words => (bytes + sizeof(ulong) - 1) / sizeof(ulong);
}

/// <summary>One region of a layer's scratch: <paramref name="Count"/> values of
/// <typeparamref name="T"/> from byte <paramref name="Offset"/>.</summary>
internal readonly record struct ScratchRegion<T>(int Offset, int Count) where T : unmanaged
{
    /// <summary>The region in a scratch laid out as its <see cref="ScratchLayout"/> says.</summary>
    public Span<T> In(Span<ulong> scratch) =>
        MemoryMarshal.Cast<byte, T>(MemoryMarshal.AsBytes(scratch).Slice(Offset, Count * Unsafe.SizeOf<T>()));
}
