using Qnn.Engine.Kernels;

namespace Qnn.Engine.Format;

/// <summary>The layer half of <see cref="QnnxReader"/>: each kind's fields, their limits, and
/// what the values flowing from layer to layer allow.</summary>
internal sealed partial class QnnxReader
{
    private EngineLayer ReadLayer(int index)
    {
        where = $"layer {index}";
        var kindByte = r.ReadByte();
        var name = ReadName("its name");
        var kind = (LayerKind)kindByte;
        if (!Enum.IsDefined(kind))
            throw Fail($"unknown kind {kindByte}");
        where = $"layer {index} ({name})";
        if (kind == LayerKind.IntegerDense && version < 2)
            throw Fail($"integer dense layers need format version 2; the file says {version}");
        if (kind >= LayerKind.GeneralDense && version < 5)
            throw Fail($"{kind} layers need format version 5; the file says {version}");
        if (kind == LayerKind.AveragePool && version < 6)
            throw Fail($"{kind} layers need format version 6; the file says {version}");
        if (flowing == Flow.Integers && kind is LayerKind.BinaryDense or LayerKind.IntegerDense or LayerKind.Conv)
            throw Fail($"a {kind} layer takes ±1 or input codes, but receives integer levels (only general layers take them)");
        try
        {
            return kind switch
            {
                LayerKind.BinaryDense => ReadBinaryDense(name, index),
                LayerKind.Conv => ReadConv(name, index),
                LayerKind.MaxPool => ReadMaxPool(name),
                LayerKind.FloatDense => ReadFloatDense(name),
                LayerKind.GeneralDense => ReadGeneralDense(name),
                LayerKind.GeneralConv => ReadGeneralConv(name),
                LayerKind.ValueMaxPool => ReadValueMaxPool(name),
                LayerKind.AveragePool => ReadAveragePool(name),
                _ => ReadIntegerDense(name, index),
            };
        }
        catch (ArgumentException e)
        {
            // What the layer's own constructor refuses (a ternary weight marked positive but zero…).
            throw Fail(e.Message);
        }
    }

    private BinaryDenseLayer ReadBinaryDense(string name, int index)
    {
        var (inputs, multipliers, output) = ReadDenseHeader(index);
        Weights((long)inputs * output.Count);
        // ±1 inputs are packed as signs; codes sum as code × multiplier.
        Accumulates(inputs, multipliers, usesValues: multipliers is not null, largestWeight: 1);
        Produces(output.Count, output);
        var words = Words("weight words", (long)BitPacking.WordsFor(inputs) * output.Count);
        return new BinaryDenseLayer(name, inputs, words, multipliers, output);
    }

    private IntegerDenseLayer ReadIntegerDense(string name, int index)
    {
        var (inputs, multipliers, output) = ReadDenseHeader(index);
        Weights((long)inputs * output.Count);
        var coding = r.ReadByte();
        var bits = r.ReadByte();
        switch (coding)
        {
            case (byte)IntegerCoding.Ternary:
                if (bits != 2)
                    throw Fail($"ternary weights take 2 bits; the file says {bits}");
                Accumulates(inputs, multipliers, usesValues: multipliers is not null, largestWeight: 1);
                Produces(output.Count, output);
                var planeWords = (long)BitPacking.WordsFor(inputs) * output.Count;
                var nonzero = Words("nonzero plane words", planeWords);
                var positive = Words("positive plane words", planeWords);
                return IntegerDenseLayer.Ternary(name, inputs, nonzero, positive, multipliers, output);
            case (byte)IntegerCoding.NBits:
            case PackedNBits when version >= 5:
                if (bits is < IntegerDenseLayer.MinByteWeightBits or > IntegerDenseLayer.MaxByteWeightBits)
                    throw Fail($"{bits}-bit weights; the engine stores {IntegerDenseLayer.MinByteWeightBits} to {IntegerDenseLayer.MaxByteWeightBits} bits");
                var top = (1 << (bits - 1)) - 1;
                if (multipliers is null && flowing == Flow.Reals)
                    throw Fail("n-bit weights on real-valued inputs (the previous layer outputs logits); the engine sums them as integers");
                // n-bit rows multiply the input values themselves (codes on the first layer).
                Accumulates(inputs, multipliers, usesValues: true, largestWeight: top);
                Produces(output.Count, output);
                var count = r.ReadInt32();
                if (count != (long)inputs * output.Count)
                    throw Fail($"{count} weights; {output.Count} outputs of {inputs} inputs need {(long)inputs * output.Count}");
                sbyte[] weights;
                if (coding == PackedNBits)
                {
                    weights = Array.ConvertAll(PackedIntegers(count, bits), q => (sbyte)q);
                }
                else
                {
                    Fits(count, 1, "weights");
                    weights = new sbyte[count];
                    for (var i = 0; i < count; i++)
                    {
                        weights[i] = r.ReadSByte();
                        if (Math.Abs((int)weights[i]) > top)
                            throw Fail($"weight {i} is {weights[i]}, outside ±{top} ({bits}-bit)");
                    }
                }
                return IntegerDenseLayer.NBits(name, inputs, bits, weights, multipliers, output);
            default:
                throw Fail($"unknown weight coding {coding}");
        }
    }

    /// <summary>What binary and integer dense layers share: inputs, code multipliers, output.</summary>
    private (int Inputs, int[]? Multipliers, LayerOutput Output) ReadDenseHeader(int index)
    {
        var inputs = Int("inputs", 1, QnnxLimits.MaxLayerValues);
        Receives(inputs);
        var multipliers = CodeInputs(index) ? Multipliers(inputs) : null;
        return (inputs, multipliers, ReadOutput());
    }

    private int[] Multipliers(int inputs)
    {
        Fits(inputs, 4, "code multipliers");
        var multipliers = new int[inputs];
        for (var i = 0; i < inputs; i++)
        {
            multipliers[i] = r.ReadInt32();
            if (multipliers[i] < 1)
                throw Fail($"code multiplier {i} is {multipliers[i]}; it must be at least 1");
        }
        return multipliers;
    }

    /// <summary>The code-inputs flag: 1 only where input codes arrive (the first layer).</summary>
    private bool CodeInputs(int index)
    {
        var flag = r.ReadByte();
        if (flag > 1)
            throw Fail($"code-inputs flag {flag}; expected 0 or 1");
        if (flag == 1 && flowing != Flow.Codes)
            throw Fail($"declares input codes, but layer {index} receives {(flowing == Flow.Signs ? "±1 values" : "real values")}; only the first layer takes codes");
        return flag == 1;
    }

    private BinaryConvLayer ReadConv(string name, int index)
    {
        var geometry = ReadGeometry();
        var codes = CodeInputs(index);
        var output = ReadOutput();
        ChannelOutputs(geometry, output);
        if (codes && geometry.WindowSize * LargestCode() > QnnxLimits.MaxAccumulator)
            throw Fail($"a window of {geometry.WindowSize} codes up to {LargestCode()} can sum past {QnnxLimits.MaxAccumulator}");
        var words = Words("weight words", BitPacking.WordsFor((int)geometry.WindowSize) * (long)geometry.OutChannels);
        return new BinaryConvLayer(name, geometry, words, codes, output);
    }

    /// <summary>A convolution's nine geometry fields, checked (the weights they imply counted).</summary>
    private ConvGeometry ReadGeometry()
    {
        var channels = Int("channels", 1, QnnxLimits.MaxLayerValues);
        var height = Int("height", 1, QnnxLimits.MaxLayerValues);
        var width = Int("width", 1, QnnxLimits.MaxLayerValues);
        Receives(ShapeValues("input shape", new[] { channels, height, width }));
        var outChannels = Int("out channels", 1, QnnxLimits.MaxLayerValues);
        var kernel = Int("kernel", 1, QnnxLimits.MaxKernel);
        var stride = Int("stride", 1, QnnxLimits.MaxStride);
        var padding = Int("padding", 0, QnnxLimits.MaxPadding);
        var dilation = Int("dilation", 1, QnnxLimits.MaxStride);
        var groups = Int("groups", 1, channels);
        var geometry = new ConvGeometry(channels, height, width, outChannels, kernel, stride, padding, dilation, groups);
        if (channels % groups != 0 || outChannels % groups != 0)
            throw Fail($"groups {groups} must divide both {channels} channels and {outChannels} out channels");
        long paddedHeight = height + 2L * padding, paddedWidth = width + 2L * padding;
        if (channels * paddedHeight * paddedWidth > QnnxLimits.MaxLayerValues)
            throw Fail($"the zero-padded input ({channels}×{paddedHeight}×{paddedWidth}) exceeds {QnnxLimits.MaxLayerValues} values");
        if (geometry.OutSide(height) < 1 || geometry.OutSide(width) < 1)
            throw Fail($"the kernel reaches {geometry.Reach} pixels (kernel {kernel}, dilation {dilation}), beyond the padded {paddedHeight}×{paddedWidth} input: no output");
        Weights(geometry.WindowSize * outChannels);
        return geometry;
    }

    /// <summary>Checks one output per out channel and counts the values the convolution produces.</summary>
    private void ChannelOutputs(ConvGeometry geometry, LayerOutput output)
    {
        if (output.Count != geometry.OutChannels)
            throw Fail($"{output.Count} outputs for {geometry.OutChannels} out channels");
        Produces(geometry.OutChannels * geometry.OutSide(geometry.Height) * geometry.OutSide(geometry.Width), output);
    }

    private MaxPoolLayer ReadMaxPool(string name)
    {
        var (shape, pool) = ReadPooling();
        flowing = Flow.Signs;
        return new MaxPoolLayer(name, shape, pool);
    }

    /// <summary>What both max-pooling kinds share: the input shape and the pool, checked, the
    /// output values counted.</summary>
    private (int[] Shape, int Pool) ReadPooling()
    {
        var shape = new[] { Int("channels", 1, QnnxLimits.MaxLayerValues), Int("height", 1, QnnxLimits.MaxLayerValues), Int("width", 1, QnnxLimits.MaxLayerValues) };
        Receives(ShapeValues("input shape", shape));
        var pool = Int("pool", 1, QnnxLimits.MaxStride);
        if (pool > shape[1] || pool > shape[2])
            throw Fail($"pool {pool} exceeds the {shape[1]}×{shape[2]} input: no output");
        AddValues((long)shape[0] * (shape[1] / pool) * (shape[2] / pool));
        return (shape, pool);
    }

    private FloatDenseLayer ReadFloatDense(string name)
    {
        var inputs = Int("inputs", 1, QnnxLimits.MaxLayerValues);
        Receives(inputs);
        var outputs = Int("outputs", 1, QnnxLimits.MaxLayerValues);
        var signs = r.ReadByte();
        if (signs > 1)
            throw Fail($"signs flag {signs}; expected 0 or 1");
        Weights((long)inputs * outputs);
        Fits((long)inputs * outputs + 2L * outputs, 4, "weights and scales");
        var weights = Floats(inputs * outputs, "weight");
        var alpha = Floats(outputs, "alpha");
        var beta = Floats(outputs, "beta");
        AddValues(outputs);
        flowing = signs == 1 ? Flow.Signs : Flow.Reals;
        return new FloatDenseLayer(name, inputs, weights, alpha, beta, signs == 1);
    }

    private LayerOutput ReadOutput()
    {
        var kind = r.ReadByte();
        if (kind is 3 or 4 && version < 5)
            throw Fail($"output kind {kind} needs format version 5; the file says {version}");
        if (kind == 5 && version < 6)
            throw Fail($"output kind 5 needs format version 6; the file says {version}");
        if (kind == 3)
            return ReadLevels();
        if (kind == 5)
            return ReadRequantized();
        if (kind == 4)
            return ReadActivated();
        if (kind == 1)
        {
            var count = Int("threshold count", 1, QnnxLimits.MaxLayerValues);
            return LayerOutput.Signs(ReadThresholds(count, "threshold"));
        }
        if (kind == 2)
        {
            var count = Int("logit count", 1, QnnxLimits.MaxLayerValues);
            Fits(count, 8, "logits");
            var scale = r.ReadSingle();
            if (!float.IsFinite(scale) || scale <= 0)
                throw Fail($"logit scale {Show(scale)}; it must be finite and positive");
            return LayerOutput.Logits(Floats(count, "alpha"), Floats(count, "beta"), scale);
        }
        throw Fail($"unknown output kind {kind}");
    }

    /// <summary>Checks the layer's input size against what the previous stage gives.</summary>
    private void Receives(long inputs)
    {
        if (inputs != flowingSize)
            throw Fail($"takes {inputs} values but receives {flowingSize}");
    }

    /// <summary>Counts a layer's output values and notes what kind of values they are.</summary>
    private void Produces(long values, LayerOutput output)
    {
        AddValues(values);
        flowing = output.Form == OutputForm.Signs || (output.Form == OutputForm.Activated && output.Activation == OutputActivation.Sign) ? Flow.Signs
            : output.IntegerValued ? Flow.Integers : Flow.Reals;
        flowingLargest = output.LargestValue;
    }

    private void AddValues(long values)
    {
        if (values > QnnxLimits.MaxLayerValues)
            throw Fail($"{values} output values exceed {QnnxLimits.MaxLayerValues}");
        totalValues += values;
        if (totalValues > QnnxLimits.MaxModelValues)
            throw Fail($"the model's activations reach {totalValues} values, past {QnnxLimits.MaxModelValues}");
    }

    /// <summary><paramref name="count"/> (i32 threshold, u8 direction) pairs, each within range;
    /// <paramref name="what"/> names one in the messages ("threshold", "level threshold").</summary>
    private SignThreshold[] ReadThresholds(long count, string what)
    {
        Fits(count, 5, $"{what}s");
        var thresholds = new SignThreshold[count];
        for (var i = 0; i < count; i++)
        {
            var threshold = r.ReadInt32();
            if (threshold is < -QnnxLimits.MaxThreshold or > QnnxLimits.MaxThreshold)
                throw Fail($"{what} {i} is {threshold}, beyond ±{QnnxLimits.MaxThreshold}");
            var direction = r.ReadByte();
            if (direction > (byte)ThresholdDirection.Never)
                throw Fail($"{what} {i} has unknown direction {direction}");
            thresholds[i] = new SignThreshold(threshold, (ThresholdDirection)direction);
        }
        return thresholds;
    }

    private void Weights(long count)
    {
        if (count > QnnxLimits.MaxLayerWeights)
            throw Fail($"{count} weights exceed {QnnxLimits.MaxLayerWeights}");
    }

    /// <summary>Checks that a dense row's integer sum fits: Σ largest input × multiplier × largest
    /// |weight|. Inputs packed as signs count 1 each; input codes, where the layer sums the values
    /// themselves (<paramref name="usesValues"/>), count their largest code.</summary>
    private void Accumulates(int inputs, int[]? multipliers, bool usesValues, int largestWeight)
    {
        long sum = 0;
        for (var i = 0; i < inputs; i++)
        {
            long largest = usesValues && flowing == Flow.Codes ? (long)input.LevelsOf(i) : 1;
            sum += largest * (multipliers?[i] ?? 1) * largestWeight;
            if (sum > QnnxLimits.MaxAccumulator)
                throw Fail($"its integer sums can reach past {QnnxLimits.MaxAccumulator} (input {i}: code multiplier {multipliers?[i] ?? 1}, largest input {largest}, largest weight {largestWeight})");
        }
    }

    private long LargestCode()
    {
        long largest = 0;
        for (var i = 0; i < input.Bits.Length; i++)
            largest = Math.Max(largest, (long)input.LevelsOf(i));
        return largest;
    }
}
