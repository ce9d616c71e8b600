namespace Qnn.Engine;

/// <summary>
/// A fully connected layer for every combination the binary, integer and float dense layers do
/// not take (format version 5): integer weights of any width (1..31 bits) or float weights, on
/// integer inputs (input codes, ±1, ternary values, DoReFa codes) or real ones (ReLU or identity
/// outputs, unrounded inputs). With <see cref="IntegerSums"/> each row is an exact integer sum
/// z = Σ q·x·multiplier and the output applies its folded thresholds (integer-only); otherwise
/// each row sums w·(x / divisor) in double and the output applies the affine form and its
/// activation in float (the divisor turns input codes or DoReFa codes into the core's values).
/// </summary>
public sealed class GeneralDenseLayer : EngineLayer
{
    /// <inheritdoc/>
    public override TResult Accept<TResult>(ILayerVisitor<TResult> visitor) => visitor.Visit(this);

    private readonly int[]? multipliers;
    private readonly float[]? divisors;
    // Integer sums: each weight times its input's multiplier, row by row (null where one exceeds
    // int32), and the largest Σ_i |W_ji| of a row, which bounds |z| by it times the largest |x|.
    private readonly int[]? folded;
    private readonly long widestRow;

    /// <summary>Inputs up to which a sample's integer inputs are held on the stack.</summary>
    private const int StackInputs = 1024;

    /// <param name="name">The layer's name.</param>
    /// <param name="inputs">Inputs per sample.</param>
    /// <param name="weights">Outputs × inputs, row by row.</param>
    /// <param name="integerSums">Whether rows sum integers exactly (integer weights and inputs).</param>
    /// <param name="multipliers">Integer sums only: one multiplier per input code (null: 1).</param>
    /// <param name="divisors">Real sums only: what each input is divided by first (null: 1).</param>
    /// <param name="output">What happens to each row's sum.</param>
    public GeneralDenseLayer(string name, int inputs, LayerWeights weights, bool integerSums, int[]? multipliers, float[]? divisors, LayerOutput output)
    {
        if (weights.Count != (long)inputs * output.Count)
            throw new ArgumentException($"{name}: {output.Count} outputs of {inputs} inputs need {(long)inputs * output.Count} weights, got {weights.Count}");
        if (integerSums && !weights.IsInteger)
            throw new ArgumentException($"{name}: float weights cannot sum as integers");
        if (integerSums ? divisors is not null : multipliers is not null)
            throw new ArgumentException($"{name}: multipliers go with integer sums, divisors with real sums");
        if (!integerSums && output.Form is OutputForm.Signs or OutputForm.Levels)
            throw new ArgumentException($"{name}: real sums take logits or an activated output, not folded thresholds");
        if ((multipliers?.Length ?? inputs) != inputs || (divisors?.Length ?? inputs) != inputs)
            throw new ArgumentException($"{name}: {inputs} inputs need {inputs} multipliers or divisors");
        Name = name;
        InputSize = inputs;
        Weights = weights;
        IntegerSums = integerSums;
        this.multipliers = multipliers;
        this.divisors = divisors;
        Output = output;
        if (integerSums && inputs <= StackInputs)
        {
            var q = weights.Integers!;
            var w = new int[q.Length];
            for (var k = 0; k < q.Length && w is not null; k++)
            {
                var product = (long)q[k] * (multipliers?[k % inputs] ?? 1);
                if (Math.Abs(product) > int.MaxValue) w = null;
                else w[k] = (int)product;
            }
            folded = w;
            for (var j = 0; j < output.Count && w is not null; j++)
            {
                var row = 0L;
                foreach (var v in w.AsSpan(j * inputs, inputs)) row += Math.Abs((long)v);
                widestRow = Math.Max(widestRow, row);
            }
        }
    }

    /// <inheritdoc />
    public override string Name { get; }
    /// <inheritdoc />
    public override int InputSize { get; }
    /// <inheritdoc />
    public override int OutputSize => Output.Count;
    /// <summary>The weights.</summary>
    public LayerWeights Weights { get; }
    /// <summary>Whether the rows sum integers exactly (else reals in double).</summary>
    public bool IntegerSums { get; }
    /// <summary>Integer sums: the input-code multipliers, or null.</summary>
    public int[]? Multipliers => multipliers;
    /// <summary>Real sums: the input divisors, or null.</summary>
    public float[]? Divisors => divisors;
    /// <summary>What happens to each row's sum.</summary>
    public LayerOutput Output { get; }

    /// <inheritdoc />
    public override long ParameterBytes => Weights.FileBytes + Output.ParameterBytes + 4L * (multipliers?.Length ?? divisors?.Length ?? 0);
    /// <inheritdoc />
    public override long OtherOperations => (long)InputSize * OutputSize;

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch)
    {
        var n = InputSize;
        if (IntegerSums)
        {
            if (folded is not null && SumInt32(input, output))
                return;
            var q = Weights.Integers!;
            for (var j = 0; j < OutputSize; j++)
            {
                long z = 0;
                for (var i = 0; i < n; i++)
                    z += (long)input[i] * (multipliers?[i] ?? 1) * q[j * n + i];
                output[j] = Output.Apply(j, z);
            }
            return;
        }
        for (var j = 0; j < OutputSize; j++)
        {
            double sum = 0;
            for (var i = 0; i < n; i++)
                sum += (double)Weights[j * n + i] * (divisors is null ? input[i] : input[i] / divisors[i]);
            output[j] = Output.ApplyReal(j, (float)sum);
        }
    }

    /// <summary>The integer sums in int32 vectors, for inputs whose integer parts are small enough
    /// that no sum can leave int32 (|x| ≤ 2^24, so every float input is exactly its integer part
    /// or a fraction truncated as (long) truncates); false, computing nothing, otherwise.</summary>
    private bool SumInt32(ReadOnlySpan<float> input, Span<float> output)
    {
        var n = InputSize;
        Span<int> x = stackalloc int[n];
        long largest = 0;
        for (var i = 0; i < n; i++)
        {
            var v = input[i];
            // NaN fails this too: the long path converts it as the plain layer always has.
            if (!(Math.Abs(v) <= 1 << 24))
                return false;
            x[i] = (int)v;
            largest = Math.Max(largest, Math.Abs((long)x[i]));
        }
        if (largest * widestRow > int.MaxValue)
            return false;
        var w = folded!;
        var width = System.Numerics.Vector<int>.Count;
        for (var j = 0; j < OutputSize; j++)
        {
            var row = w.AsSpan(j * n, n);
            var sum = System.Numerics.Vector<int>.Zero;
            var i = 0;
            for (; i + width <= n; i += width)
                sum += new System.Numerics.Vector<int>(x.Slice(i, width)) * new System.Numerics.Vector<int>(row.Slice(i, width));
            var z = System.Numerics.Vector.Sum(sum);
            for (; i < n; i++)
                z += x[i] * row[i];
            output[j] = Output.Apply(j, z);
        }
        return true;
    }
}
