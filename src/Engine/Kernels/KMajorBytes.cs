namespace Qnn.Engine.Kernels;

/// <summary>
/// The k-major ±1 byte layout the byte-dot kernels share (<see cref="ByteDotVnni"/> with 8 outputs
/// an accumulator, <see cref="ByteDotAvx512"/> with 16): weights in blocks of <c>lanes</c> outputs ×
/// 4 inputs, so one broadcast 4-byte chunk of a sample's codes meets a whole accumulator of outputs
/// per instruction, and outputs padded to a panel of two accumulators (zero weights).
/// </summary>
internal static class KMajorBytes
{
    /// <summary>Bytes per sample's codes: inputs rounded up to 4 (the padding is 0).</summary>
    public static int Stride(int inputs) => (inputs + 3) / 4 * 4;

    /// <summary>Outputs rounded up to a panel of 2·<paramref name="lanes"/>.</summary>
    public static int PaddedOutputs(int outputs, int lanes) => (outputs + 2 * lanes - 1) / (2 * lanes) * (2 * lanes);

    /// <summary>Expands packed sign rows into [output / lanes][input / 4][output % lanes][input % 4],
    /// zero past the last input or output.</summary>
    public static sbyte[] Arrange(ReadOnlySpan<ulong> rows, int inputs, int outputs, int lanes)
    {
        var words = BitPacking.WordsFor(inputs);
        var groups = Stride(inputs) / 4;
        var weights = new sbyte[PaddedOutputs(outputs, lanes) * Stride(inputs)];
        for (var j = 0; j < outputs; j++)
            for (var i = 0; i < inputs; i++)
                weights[((j / lanes) * groups + i / 4) * 4 * lanes + (j % lanes) * 4 + i % 4] = (sbyte)BitPacking.SignAt(rows.Slice(j * words, words), i);
        return weights;
    }

    /// <summary>The padded outputs of <paramref name="weights"/>, after checking that
    /// <paramref name="count"/> samples' codes and sums fit the buffers.</summary>
    public static int CheckRun(int codes, int count, int weights, int inputs, int sums)
    {
        var padded = weights / Stride(inputs);
        if (codes < count * Stride(inputs) || sums < count * padded)
            throw new ArgumentException($"{count} samples need {count * Stride(inputs)} code bytes and {count * padded} outputs");
        return padded;
    }
}
