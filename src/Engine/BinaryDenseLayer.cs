namespace Qnn.Engine;

/// <summary>
/// A fully connected layer with binary weights on binary inputs, its BatchNorm and sign folded
/// into thresholds: output bit j = threshold_j.Fires(n - 2·popcount(x XOR w_j)). Weights are
/// packed row by row (one row of <see cref="Words"/> ulongs per output). No allocation per call.
/// </summary>
public sealed class BinaryDenseLayer
{
    private readonly ulong[] weights;
    private readonly SignThreshold[] thresholds;

    /// <param name="inputs">Input bits per sample.</param>
    /// <param name="packedWeights">Outputs × Words packed sign rows (see <see cref="BitPacking"/>).</param>
    /// <param name="thresholds">One folded BatchNorm + sign per output.</param>
    public BinaryDenseLayer(int inputs, ulong[] packedWeights, SignThreshold[] thresholds)
    {
        Inputs = inputs;
        Words = BitPacking.WordsFor(inputs);
        if (packedWeights.Length != Words * thresholds.Length)
            throw new ArgumentException($"{thresholds.Length} outputs of {inputs} inputs need {Words * thresholds.Length} weight words, got {packedWeights.Length}");
        weights = packedWeights;
        this.thresholds = thresholds;
    }

    /// <summary>Input bits per sample.</summary>
    public int Inputs { get; }

    /// <summary>Outputs (neurons).</summary>
    public int Outputs => thresholds.Length;

    /// <summary>Words per packed input row.</summary>
    public int Words { get; }

    /// <summary>The ±1 dot products of one packed input with every weight row.</summary>
    public void Dots(ReadOnlySpan<ulong> input, Span<int> dots, PopCountPath path)
    {
        for (var j = 0; j < thresholds.Length; j++)
            dots[j] = Inputs - 2 * PopCountKernel.XorPopCount(input.Slice(0, Words), weights.AsSpan(j * Words, Words), path);
    }

    /// <summary>The packed output bits of one packed input.</summary>
    public void Forward(ReadOnlySpan<ulong> input, Span<ulong> output) => Forward(input, output, PopCountKernel.Best);

    /// <summary>The packed output bits of one packed input, with a given popcount path.</summary>
    public void Forward(ReadOnlySpan<ulong> input, Span<ulong> output, PopCountPath path)
    {
        var outputWords = BitPacking.WordsFor(Outputs);
        output.Slice(0, outputWords).Clear();
        var x = input.Slice(0, Words);
        for (var j = 0; j < thresholds.Length; j++)
        {
            var z = Inputs - 2 * PopCountKernel.XorPopCount(x, weights.AsSpan(j * Words, Words), path);
            if (thresholds[j].Fires(z))
                output[j >> 6] |= 1UL << (j & 63);
        }
    }
}
