using Qnn.Engine.Kernels;

namespace Qnn.Engine.Execution;

/// <summary>
/// One small dense layer as the lanes kernel runs it (see <see cref="LaneNetwork"/>): each output's
/// integer weights W = w·m (the stored weight times its input's code multiplier) split into the
/// inputs it adds, the inputs it subtracts and the inputs it multiplies, so that ±1 and ternary
/// weights cost one vector addition per nonzero weight and n-bit weights one multiply-add. Where
/// every weight of an output is ±1 (and the inputs are more than a few), z = 2·Σ_plus x − Σ x (or
/// Σ x − 2·Σ_minus x) over the smaller of the two sets, with Σ x taken once per block.
/// </summary>
internal sealed class LaneLayer
{
    /// <summary>How the plain layer reads its input values: as signs (packed, ±1 inputs: a value
    /// &gt;= 0 is +1, NaN −1) or as integers truncated toward zero (codes, or n-bit ±1 inputs).</summary>
    public bool SignInputs { get; }
    public int Inputs { get; }
    public int Outputs { get; }
    public LayerOutput Output { get; }
    public string Name { get; }

    // Per output j, CSR lists: Added[AddedStart[j]..AddedStart[j+1]), likewise Subtracted and Multiplied.
    public int[] AddedStart { get; }
    public int[] Added { get; }
    public int[] SubtractedStart { get; }
    public int[] Subtracted { get; }
    public int[] MultipliedStart { get; }
    public int[] Multiplied { get; }
    public int[] MultipliedWeight { get; }
    /// <summary>z = Factor·(Σ added − Σ subtracted + Σ W·x) + TotalFactor·Σ_i x_i, per output.</summary>
    public int[] Factor { get; }
    public int[] TotalFactor { get; }
    public bool UsesTotal { get; }
    /// <summary>Per output, Σ_i |W_ji| (bounds |z| given a bound on |x|).</summary>
    public long[] AbsoluteSums { get; }

    private LaneLayer(string name, int inputs, int[] weights, bool signInputs, LayerOutput output)
    {
        Name = name;
        Inputs = inputs;
        Outputs = output.Count;
        SignInputs = signInputs;
        Output = output;
        var (added, subtracted, multiplied, multipliedWeight) = (new List<int>(), new List<int>(), new List<int>(), new List<int>());
        (AddedStart, SubtractedStart, MultipliedStart) = (new int[Outputs + 1], new int[Outputs + 1], new int[Outputs + 1]);
        (Factor, TotalFactor, AbsoluteSums) = (new int[Outputs], new int[Outputs], new long[Outputs]);
        for (var j = 0; j < Outputs; j++)
        {
            var row = weights.AsSpan(j * inputs, inputs);
            var (plus, minus) = (0, 0);
            foreach (var w in row)
            {
                if (w == 1) plus++;
                else if (w == -1) minus++;
                AbsoluteSums[j] += Math.Abs((long)w);
            }
            // All ±1, and the smaller set plus the doubling and Σ x costs fewer vector operations than n.
            if (plus + minus == inputs && Math.Min(plus, minus) + 3 < inputs)
            {
                // All ±1: add only the smaller set, z = ±2·Σ_set + ∓Σ x.
                var overPlus = plus <= minus;
                for (var i = 0; i < inputs; i++)
                    if ((row[i] == 1) == overPlus) added.Add(i);
                (Factor[j], TotalFactor[j]) = overPlus ? (2, -1) : (-2, 1);
                UsesTotal = true;
            }
            else
            {
                for (var i = 0; i < inputs; i++)
                {
                    if (row[i] == 1) added.Add(i);
                    else if (row[i] == -1) subtracted.Add(i);
                    else if (row[i] != 0) { multiplied.Add(i); multipliedWeight.Add(row[i]); }
                }
                (Factor[j], TotalFactor[j]) = (1, 0);
            }
            (AddedStart[j + 1], SubtractedStart[j + 1], MultipliedStart[j + 1]) = (added.Count, subtracted.Count, multiplied.Count);
        }
        (Added, Subtracted, Multiplied, MultipliedWeight) = (added.ToArray(), subtracted.ToArray(), multiplied.ToArray(), multipliedWeight.ToArray());
    }

    /// <summary>The lanes form of a binary, integer or general dense layer with exact integer sums,
    /// or null for any other layer (real sums included), or for a weight times its multiplier
    /// beyond int32.</summary>
    public static LaneLayer? Of(EngineLayer layer) => layer.Accept(LaneForm.Instance);

    /// <summary>Each kind's lanes form, or null where the lanes cannot run it.</summary>
    private sealed class LaneForm : ILayerVisitor<LaneLayer?>
    {
        public static readonly LaneForm Instance = new();

        public LaneLayer? Visit(BinaryDenseLayer binary)
        {
            var words = BitPacking.WordsFor(binary.InputSize);
            var weights = new long[binary.InputSize * binary.OutputSize];
            for (var j = 0; j < binary.OutputSize; j++)
                for (var i = 0; i < binary.InputSize; i++)
                    weights[j * binary.InputSize + i] = BitPacking.SignAt(binary.PackedWeights.Slice(j * words, words), i);
            return Make(binary.Name, binary.InputSize, weights, binary.CodeMultipliers, signInputs: binary.CodeMultipliers is null, binary.Output);
        }

        public LaneLayer? Visit(IntegerDenseLayer integer)
        {
            var weights = new long[integer.Weights.Length];
            for (var k = 0; k < weights.Length; k++)
                weights[k] = integer.Weights[k];
            // Ternary weights on ±1 inputs are counted on packed signs; everything else on integers.
            var signs = integer.Coding == IntegerCoding.Ternary && integer.CodeMultipliers is null;
            return Make(integer.Name, integer.InputSize, weights, integer.CodeMultipliers, signs, integer.Output);
        }

        public LaneLayer? Visit(GeneralDenseLayer general)
        {
            if (!general.IntegerSums || general.Weights.Integers is not { } integers)
                return null;
            // Inputs read as integers truncated toward zero, as the plain layer's (long) conversion.
            var weights = new long[integers.Length];
            for (var k = 0; k < weights.Length; k++)
                weights[k] = integers[k];
            return Make(general.Name, general.InputSize, weights, general.Multipliers, signInputs: false, general.Output);
        }

        public LaneLayer? Visit(FloatDenseLayer layer) => null;
        public LaneLayer? Visit(BinaryConvLayer layer) => null;
        public LaneLayer? Visit(GeneralConvLayer layer) => null;
        public LaneLayer? Visit(MaxPoolLayer layer) => null;
        public LaneLayer? Visit(ValueMaxPoolLayer layer) => null;
        public LaneLayer? Visit(AveragePoolLayer layer) => null;
    }

    private static LaneLayer? Make(string name, int inputs, long[] weights, int[]? multipliers, bool signInputs, LayerOutput output)
    {
        var folded = new int[weights.Length];
        for (var k = 0; k < weights.Length; k++)
        {
            var w = weights[k] * (multipliers?[k % inputs] ?? 1);
            if (Math.Abs(w) > int.MaxValue / 2)
                return null;
            folded[k] = (int)w;
        }
        return new LaneLayer(name, inputs, folded, signInputs, output);
    }
}
