using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Qnn.Engine.Kernels;

/// <summary>
/// A copy of an array whose data starts on a 64-byte (cache-line) boundary and stays there (the
/// array is pinned). 512-bit loads that straddle two cache lines cost double on some CPUs (on this
/// project's EPYC a misaligned L1-resident popcount ran at a quarter of the aligned rate), and a
/// plain array's alignment is whatever the allocator gave, so the kernels' weights are kept here.
/// </summary>
internal sealed class AlignedArray<T> where T : unmanaged
{
    private const int Alignment = 64;
    private readonly T[] storage;
    private readonly int offset;

    public AlignedArray(ReadOnlySpan<T> values)
    {
        Length = values.Length;
        var slack = Alignment / Unsafe.SizeOf<T>();
        storage = GC.AllocateArray<T>(values.Length + slack, pinned: true);
        var address = (long)Marshal.UnsafeAddrOfPinnedArrayElement(storage, 0);
        offset = (int)((Alignment - address % Alignment) % Alignment) / Unsafe.SizeOf<T>();
        values.CopyTo(storage.AsSpan(offset, Length));
    }

    /// <summary>Elements.</summary>
    public int Length { get; }

    /// <summary>The aligned elements.</summary>
    public ReadOnlySpan<T> Span => storage.AsSpan(offset, Length);
}
