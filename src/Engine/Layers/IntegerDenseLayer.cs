using Qnn.Engine.Kernels;

namespace Qnn.Engine;

/// <summary>
/// A fully connected layer whose weights are small integers q (ternary, or n-bit): each output's
/// per-channel scale was folded into its thresholds or logits at export, so what runs is integer
/// accumulation only. On ±1 inputs, ternary rows count by popcount over the two planes:
/// z = popcount(nonzero) - 2·popcount(nonzero AND (x XOR positive)); n-bit rows sum ±q. On input
/// codes every row sums code·multiplier·q.
/// </summary>
public sealed class IntegerDenseLayer : EngineLayer
{
    /// <inheritdoc/>
    public override TResult Accept<TResult>(ILayerVisitor<TResult> visitor) => visitor.Visit(this);

    private readonly sbyte[] weights;
    private readonly ulong[]? nonzero;
    private readonly ulong[]? positive;
    private readonly int[]? nonzeroCounts;
    private readonly int[]? codeMultipliers;
    private readonly int words;
    // Scratch: the packed ±1 input, the inputs as integers, the integer sums.
    private readonly ScratchRegion<ulong> packedInput;
    private readonly ScratchRegion<ulong> integerInputs;
    private readonly ScratchRegion<int> sums;
    private readonly int scratchWords;

    private IntegerDenseLayer(string name, int inputs, IntegerCoding coding, int bits, sbyte[] weights, int[]? codeMultipliers, LayerOutput output)
    {
        Name = name;
        InputSize = inputs;
        Coding = coding;
        Bits = bits;
        Output = output;
        words = BitPacking.WordsFor(inputs);
        if (weights.Length != inputs * output.Count)
            throw new ArgumentException($"{name}: {output.Count} outputs of {inputs} inputs need {inputs * output.Count} weights, got {weights.Length}");
        if (codeMultipliers is not null && codeMultipliers.Length != inputs)
            throw new ArgumentException($"{name}: {inputs} inputs need {inputs} code multipliers, got {codeMultipliers.Length}");
        var top = (1 << (bits - 1)) - 1;
        if (weights.Any(q => Math.Abs((int)q) > top))
            throw new ArgumentException($"{name}: a weight lies outside ±{top} ({bits}-bit)");
        this.weights = weights;
        this.codeMultipliers = codeMultipliers;
        var layout = new ScratchLayout();
        packedInput = layout.Add<ulong>(words);
        integerInputs = layout.Add<ulong>(inputs);
        sums = layout.Add<int>(output.Count);
        scratchWords = layout.Words;
        if (coding == IntegerCoding.Ternary)
        {
            (nonzero, positive) = (new ulong[words * output.Count], new ulong[words * output.Count]);
            for (var j = 0; j < output.Count; j++)
                for (var i = 0; i < inputs; i++)
                {
                    var q = weights[j * inputs + i];
                    if (q != 0) nonzero[j * words + (i >> 6)] |= 1UL << (i & 63);
                    if (q > 0) positive[j * words + (i >> 6)] |= 1UL << (i & 63);
                }
            nonzeroCounts = Enumerable.Range(0, output.Count).Select(j => weights.Skip(j * inputs).Take(inputs).Count(q => q != 0)).ToArray();
        }
    }

    /// <summary>Ternary weights from their two bit-planes (outputs × ⌈inputs/64⌉ words each).</summary>
    public static IntegerDenseLayer Ternary(string name, int inputs, ulong[] nonzero, ulong[] positive, int[]? codeMultipliers, LayerOutput output)
    {
        var words = BitPacking.WordsFor(inputs);
        if (nonzero.Length != words * output.Count || positive.Length != nonzero.Length)
            throw new ArgumentException($"{name}: {output.Count} outputs of {inputs} inputs need {words * output.Count} words per plane, got {nonzero.Length} and {positive.Length}");
        var weights = new sbyte[inputs * output.Count];
        for (var j = 0; j < output.Count; j++)
            for (var i = 0; i < inputs; i++)
            {
                var bit = 1UL << (i & 63);
                var (isNonzero, isPositive) = ((nonzero[j * words + (i >> 6)] & bit) != 0, (positive[j * words + (i >> 6)] & bit) != 0);
                if (isPositive && !isNonzero)
                    throw new ArgumentException($"{name}: weight {j}, {i} is marked positive but zero");
                weights[j * inputs + i] = (sbyte)(isNonzero ? (isPositive ? 1 : -1) : 0);
            }
        return new IntegerDenseLayer(name, inputs, IntegerCoding.Ternary, 2, weights, codeMultipliers, output);
    }

    /// <summary>The narrowest and widest n-bit weights this layer stores, a byte each; wider ones
    /// (up to 31 bits) run in a <see cref="GeneralDenseLayer"/>.</summary>
    public const int MinByteWeightBits = 2;

    /// <summary>See <see cref="MinByteWeightBits"/>.</summary>
    public const int MaxByteWeightBits = 8;

    /// <summary>n-bit integer weights, row by row (<see cref="MinByteWeightBits"/> ≤ bits ≤ <see cref="MaxByteWeightBits"/>).</summary>
    public static IntegerDenseLayer NBits(string name, int inputs, int bits, sbyte[] weights, int[]? codeMultipliers, LayerOutput output) =>
        bits is >= MinByteWeightBits and <= MaxByteWeightBits
            ? new IntegerDenseLayer(name, inputs, IntegerCoding.NBits, bits, weights, codeMultipliers, output)
            : throw new ArgumentException($"{name}: {bits}-bit weights; the engine stores {MinByteWeightBits} to {MaxByteWeightBits} bits");

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override int InputSize { get; }

    /// <inheritdoc />
    public override int OutputSize => Output.Count;

    /// <summary>Ternary planes or n-bit integers.</summary>
    public IntegerCoding Coding { get; }

    /// <summary>Bits a weight takes (2 for ternary).</summary>
    public int Bits { get; }

    /// <summary>What happens to each pre-activation.</summary>
    public LayerOutput Output { get; }

    /// <summary>The integer weights, row by row.</summary>
    public ReadOnlySpan<sbyte> Weights => weights;

    /// <summary>The ternary nonzero plane (null for n-bit weights).</summary>
    public ReadOnlySpan<ulong> NonzeroPlane => nonzero;

    /// <summary>The ternary positive plane (null for n-bit weights).</summary>
    public ReadOnlySpan<ulong> PositivePlane => positive;

    /// <summary>Null for ±1 inputs, else one multiplier per input code.</summary>
    public int[]? CodeMultipliers => codeMultipliers;

    /// <inheritdoc />
    public override long ParameterBytes => (Coding == IntegerCoding.Ternary ? 2L * 8 * words * OutputSize : weights.Length)
        + (Output.Thresholds is null ? 8L * OutputSize : 5L * OutputSize) + 4L * (codeMultipliers?.Length ?? 0);

    /// <inheritdoc />
    public override long BinaryOperations => Coding == IntegerCoding.Ternary && codeMultipliers is null ? (long)InputSize * OutputSize : 0;

    /// <inheritdoc />
    public override long OtherOperations => (long)InputSize * OutputSize - BinaryOperations;

    /// <inheritdoc />
    public override int ScratchWords => scratchWords;

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch)
    {
        var z = sums.In(scratch);
        if (Coding == IntegerCoding.Ternary && codeMultipliers is null)
        {
            var packed = packedInput.In(scratch);
            BitPacking.PackSigns(input.Slice(0, InputSize), packed);
            for (var j = 0; j < OutputSize; j++)
            {
                var mask = nonzero.AsSpan(j * words, words);
                var sign = positive.AsSpan(j * words, words);
                var disagree = 0;
                for (var w = 0; w < words; w++)
                    disagree += System.Numerics.BitOperations.PopCount(mask[w] & (packed[w] ^ sign[w]));
                z[j] = nonzeroCounts![j] - 2 * disagree;
            }
            Output.ApplyAll(z, 1, output);
            return;
        }
        // Inputs as integers (±1, or code·multiplier), then one integer dot product per row.
        var values = integerInputs.In(scratch);
        for (var i = 0; i < InputSize; i++)
            values[i] = (ulong)(long)input[i] * (ulong)(codeMultipliers?[i] ?? 1);
        for (var j = 0; j < OutputSize; j++)
        {
            var row = weights.AsSpan(j * InputSize, InputSize);
            long sum = 0;
            for (var i = 0; i < InputSize; i++)
                sum += (long)values[i] * row[i];
            output[j] = Output.Apply(j, sum);
        }
    }
}
