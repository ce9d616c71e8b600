namespace Qnn.Engine.Format;

/// <summary>The version-5 half of <see cref="QnnxReader"/>: general dense and convolution
/// layers, value max-pooling, levels and activated outputs, weights packed to their width.</summary>
internal sealed partial class QnnxReader
{
    /// <summary>The integer-dense weight coding of version 5: n-bit integers packed to their width.</summary>
    private const byte PackedNBits = 3;

    /// <summary>The most thresholds per output of a levels output (DoReFa codes of 8 bits).</summary>
    private const int MaxSteps = 255;

    /// <summary>The largest |value| of a levels output: an integer exact in float32.</summary>
    private const float MaxLevelValue = 1 << 24;

    private GeneralDenseLayer ReadGeneralDense(string name)
    {
        var inputs = Int("inputs", 1, QnnxLimits.MaxLayerValues);
        Receives(inputs);
        var outputs = Int("outputs", 1, QnnxLimits.MaxLayerValues);
        Weights((long)inputs * outputs);
        var integerSums = SumsMode();
        int[]? multipliers = null;
        float[]? divisors = null;
        var flag = r.ReadByte();
        if (flag > 1)
            throw Fail($"{(integerSums ? "multipliers" : "divisors")} flag {flag}; expected 0 or 1");
        if (flag == 1 && integerSums)
            multipliers = Multipliers(inputs);
        else if (flag == 1)
        {
            divisors = Floats(inputs, "divisor");
            if (Array.FindIndex(divisors, d => d <= 0) is var bad and >= 0)
                throw Fail($"divisor {bad} is {Show(divisors[bad])}; it must be positive");
        }
        var output = ReadOutput();
        if (output.Count != outputs)
            throw Fail($"{output.Count} outputs for {outputs} outputs declared");
        var weights = ReadLayerWeights((long)inputs * outputs);
        if (integerSums)
            SumsFit(inputs, multipliers, weights);
        Produces(outputs, output);
        return new GeneralDenseLayer(name, inputs, weights, integerSums, multipliers, divisors, output);
    }

    private GeneralConvLayer ReadGeneralConv(string name)
    {
        var geometry = ReadGeometry();
        var integerSums = SumsMode();
        var divisor = r.ReadSingle();
        if (!float.IsFinite(divisor) || divisor <= 0 || (integerSums && divisor != 1))
            throw Fail($"divisor {Show(divisor)}; it must be finite and positive, and 1 for integer sums");
        var output = ReadOutput();
        if (output.Count != geometry.OutChannels)
            throw Fail($"{output.Count} outputs for {geometry.OutChannels} out channels");
        var weights = ReadLayerWeights(geometry.WindowSize * geometry.OutChannels);
        if (integerSums)
            SumsFit((int)geometry.WindowSize, null, weights);
        ChannelOutputs(geometry, output);
        return new GeneralConvLayer(name, geometry, weights, integerSums, divisor, output);
    }

    private ValueMaxPoolLayer ReadValueMaxPool(string name)
    {
        // The maximum of values keeps what flows (levels stay levels, reals reals).
        var (shape, pool) = ReadPooling();
        return new ValueMaxPoolLayer(name, shape, pool);
    }

    /// <summary>Window sums: codes, ±1 and integer levels become integer values up to Pool² times
    /// the largest (exact in float32 only up to 2^24), reals stay reals.</summary>
    private AveragePoolLayer ReadAveragePool(string name)
    {
        var (shape, pool) = ReadPooling();
        if (flowing != Flow.Reals)
        {
            double largest = flowing switch
            {
                Flow.Codes => Enumerable.Range(0, input.Low.Length).Max(r => (double)input.LevelsOf(r)),
                Flow.Integers => flowingLargest,
                _ => 1,
            };
            var sum = largest * pool * pool;
            if (sum > 1 << 24)
                throw Fail($"window sums reach {sum:0}, past 2^24 (float32's exact integers)");
            (flowing, flowingLargest) = (Flow.Integers, sum);
        }
        return new AveragePoolLayer(name, shape, pool);
    }

    /// <summary>The sums byte: 0 for exact integer sums (which need integer inputs), 1 for real sums.</summary>
    private bool SumsMode()
    {
        var mode = r.ReadByte();
        if (mode > 1)
            throw Fail($"sums mode {mode}; expected 0 (integer) or 1 (real)");
        if (mode == 0 && flowing == Flow.Reals)
            throw Fail("integer sums on real-valued inputs (the previous stage outputs reals or the input has unrounded widths)");
        return mode == 0;
    }

    /// <summary>Checks that every integer sum fits: Σ largest input × multiplier × largest |weight| within int32.</summary>
    private void SumsFit(int inputs, int[]? multipliers, LayerWeights weights)
    {
        if (!weights.IsInteger)
            throw Fail("integer sums need integer weights");
        double sum = 0;
        for (var i = 0; i < inputs; i++)
        {
            double largest = flowing switch { Flow.Codes => input.LevelsOf(i), Flow.Integers => flowingLargest, _ => 1 };
            sum += largest * (multipliers?[i] ?? 1) * weights.Largest;
            if (sum > QnnxLimits.MaxAccumulator)
                throw Fail($"its integer sums can reach past {QnnxLimits.MaxAccumulator} (input {i}: largest input {largest}, largest weight {weights.Largest})");
        }
    }

    /// <summary>u8 bits, then f32 weights (0) or <paramref name="count"/> integers packed to their width.</summary>
    private LayerWeights ReadLayerWeights(long count)
    {
        var bits = r.ReadByte();
        if (bits > LayerWeights.MaxBits)
            throw Fail($"{bits}-bit weights; weights take 0 (float) to {LayerWeights.MaxBits} bits");
        return bits == 0 ? LayerWeights.Float(Floats(count, "weight")) : LayerWeights.Integer(bits, PackedIntegers(count, bits));
    }

    /// <summary><paramref name="count"/> integers of <paramref name="bits"/> packed to their width, each within its range.</summary>
    private int[] PackedIntegers(long count, int bits)
    {
        var bytes = LayerWeights.PackedBytes(count, bits);
        Fits(bytes, 1, "packed weight bytes");
        var q = LayerWeights.Unpack(r.ReadBytes((int)bytes), bits, (int)count, out var bad);
        if (bad >= 0)
            throw Fail($"weight {bad} lies outside the {bits}-bit range ±{LayerWeights.Top(bits)}");
        return q;
    }

    /// <summary>Output kind 3: i32 count, u8 steps, f32 values[steps + 1], (i32 threshold, u8 direction)[count·steps].</summary>
    private LayerOutput ReadLevels()
    {
        var count = Int("levels output count", 1, QnnxLimits.MaxLayerValues);
        var steps = r.ReadByte();
        if (steps is < 1 or > MaxSteps)
            throw Fail($"{steps} thresholds per output; a levels output takes 1..{MaxSteps}");
        var values = LevelValues(steps);
        var total = (long)count * steps;
        if (total > QnnxLimits.MaxLayerWeights)
            throw Fail($"{total} level thresholds exceed {QnnxLimits.MaxLayerWeights}");
        return LayerOutput.Levels(ReadThresholds(total, "level threshold"), steps, values);
    }

    /// <summary>Output kind 5 (version 6): i32 count, u8 top, f32 values[top + 1], then per output
    /// i32 base, u8 falling, u32 multiplier, u64 offset, u8 shift.</summary>
    private LayerOutput ReadRequantized()
    {
        var count = Int("requantized output count", 1, QnnxLimits.MaxLayerValues);
        var top = r.ReadByte();
        if (top is < 1 or > MaxSteps)
            throw Fail($"top code {top}; a requantized output takes 1..{MaxSteps}");
        var values = LevelValues(top);
        Fits(count, Requantization.FileBytes, "requantized outputs");
        var (bases, falling, multipliers, offsets, shifts) = (new int[count], new bool[count], new uint[count], new ulong[count], new byte[count]);
        for (var j = 0; j < count; j++)
        {
            bases[j] = r.ReadInt32();
            var direction = r.ReadByte();
            if (direction > 1)
                throw Fail($"output {j}'s direction {direction}; expected 0 (rising) or 1 (falling)");
            falling[j] = direction == 1;
            multipliers[j] = r.ReadUInt32();
            offsets[j] = r.ReadUInt64();
            shifts[j] = r.ReadByte();
        }
        try
        {
            return LayerOutput.Requantized(new Requantization(top, bases, falling, multipliers, offsets, shifts), values);
        }
        catch (ArgumentException e)
        {
            throw Fail(e.Message);
        }
    }

    /// <summary>f32 values[steps + 1], each an integer within ±<see cref="MaxLevelValue"/>.</summary>
    private float[] LevelValues(int steps)
    {
        var values = Floats(steps + 1, "level value");
        for (var v = 0; v < values.Length; v++)
            if (values[v] != MathF.Round(values[v]) || Math.Abs(values[v]) > MaxLevelValue)
                throw Fail($"level value {v} is {Show(values[v])}; level values are integers within ±{MaxLevelValue}");
        return values;
    }

    /// <summary>Output kind 4: i32 count, f32 scale, u8 activation, f32 parameter, f32 alpha[count], f32 beta[count].</summary>
    private LayerOutput ReadActivated()
    {
        var count = Int("activated output count", 1, QnnxLimits.MaxLayerValues);
        Fits(count, 8, "activated outputs");
        var scale = r.ReadSingle();
        if (!float.IsFinite(scale) || scale <= 0)
            throw Fail($"output scale {Show(scale)}; it must be finite and positive");
        var activation = r.ReadByte();
        if (activation > (byte)OutputActivation.DoReFa)
            throw Fail($"unknown activation {activation}");
        var parameter = r.ReadSingle();
        var valid = (OutputActivation)activation switch
        {
            OutputActivation.Ternary => float.IsFinite(parameter) && parameter >= 0,
            // DoReFa's top code 2^k − 1 for k = 1..31, as float32.
            OutputActivation.DoReFa => parameter >= 1 && parameter <= 1L << 31 && parameter == MathF.Round(parameter),
            _ => parameter == 0,
        };
        if (!valid)
            throw Fail($"activation {(OutputActivation)activation} has parameter {Show(parameter)}: a ternary threshold is finite and at least 0, a DoReFa top code an integer 1..2^31, others 0");
        return LayerOutput.Activated(Floats(count, "alpha"), Floats(count, "beta"), scale, (OutputActivation)activation, parameter);
    }
}
