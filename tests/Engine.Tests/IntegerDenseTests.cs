using Xunit;
using Qnn.Engine.Format;
using Qnn.Engine.Kernels;

namespace Qnn.Engine.Tests;

/// <summary>Ternary (two bit-planes) and n-bit integer dense layers: exact integer dot products,
/// the file round trip, and the file checks on their weights.</summary>
public class IntegerDenseTests
{
    private static LayerOutput Identity(int outputs) =>
        LayerOutput.Logits(Enumerable.Repeat(1f, outputs).ToArray(), new float[outputs], 1f);

    private static (ulong[] Nonzero, ulong[] Positive) Planes(sbyte[] q, int outputs, int inputs)
    {
        var words = BitPacking.WordsFor(inputs);
        var (nonzero, positive) = (new ulong[outputs * words], new ulong[outputs * words]);
        for (var j = 0; j < outputs; j++)
            for (var i = 0; i < inputs; i++)
            {
                if (q[j * inputs + i] != 0) nonzero[j * words + i / 64] |= 1UL << (i % 64);
                if (q[j * inputs + i] > 0) positive[j * words + i / 64] |= 1UL << (i % 64);
            }
        return (nonzero, positive);
    }

    public static TheoryData<string, int> Layers => new() { { "ternary", 2 }, { "2-bit", 2 }, { "4-bit", 4 }, { "8-bit", 8 } };

    private static IntegerDenseLayer Make(string kind, int bits, sbyte[] q, int inputs, int outputs, int[]? multipliers, LayerOutput output)
    {
        if (kind != "ternary")
            return IntegerDenseLayer.NBits("fc", inputs, bits, q, multipliers, output);
        var (nonzero, positive) = Planes(q, outputs, inputs);
        return IntegerDenseLayer.Ternary("fc", inputs, nonzero, positive, multipliers, output);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Signs_and_codes_give_exact_integer_dot_products(string kind, int bits)
    {
        var random = new Random(bits + kind.Length);
        const int inputs = 130, outputs = 21;
        var top = (1 << (bits - 1)) - 1;
        var q = Enumerable.Range(0, inputs * outputs).Select(_ => (sbyte)random.Next(-top, top + 1)).ToArray();
        // Multipliers small enough that every sum is exact in the float32 output (below 2^24).
        var multipliers = Enumerable.Range(0, inputs).Select(i => i % 3 == 0 ? 3 : 1).ToArray();
        var onSigns = Make(kind, bits, q, inputs, outputs, null, Identity(outputs));
        var onCodes = Make(kind, bits, q, inputs, outputs, multipliers, Identity(outputs));
        var output = new float[outputs];
        for (var sample = 0; sample < 10; sample++)
        {
            var x = Enumerable.Range(0, inputs).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray();
            onSigns.Forward(x, output, new ulong[onSigns.ScratchWords]);
            for (var j = 0; j < outputs; j++)
                Assert.Equal(Enumerable.Range(0, inputs).Sum(i => (int)x[i] * q[j * inputs + i]), (int)output[j]);
            var codes = Enumerable.Range(0, inputs).Select(_ => (float)random.Next(256)).ToArray();
            onCodes.Forward(codes, output, new ulong[onCodes.ScratchWords]);
            for (var j = 0; j < outputs; j++)
                Assert.Equal(Enumerable.Range(0, inputs).Sum(i => (long)codes[i] * multipliers[i] * q[j * inputs + i]), (long)output[j]);
        }
        Assert.Equal(kind == "ternary" ? 2 * 8 * 3 * outputs : inputs * outputs, onSigns.ParameterBytes - 8 * outputs);
    }

    [Fact]
    public void Weights_outside_their_width_or_a_positive_zero_are_refused()
    {
        Assert.Contains("outside ±7", Assert.Throws<ArgumentException>(() => IntegerDenseLayer.NBits("fc", 2, 4, new sbyte[] { 8, 0 }, null, Identity(1))).Message);
        Assert.Contains("2 to 8 bits", Assert.Throws<ArgumentException>(() => IntegerDenseLayer.NBits("fc", 2, 9, new sbyte[] { 1, 0 }, null, Identity(1))).Message);
        Assert.Contains("positive but zero", Assert.Throws<ArgumentException>(() => IntegerDenseLayer.Ternary("fc", 2, new[] { 1UL }, new[] { 3UL }, null, Identity(1))).Message);
    }

    private static EngineModel Model()
    {
        var random = new Random(3);
        var input = new InputStage(new[] { 10 }, new[] { 0f }, new[] { 1f }, new[] { 8 });
        var q1 = Enumerable.Range(0, 10 * 6).Select(_ => (sbyte)random.Next(-7, 8)).ToArray();
        var first = IntegerDenseLayer.NBits("fc1", 10, 4, q1, Enumerable.Repeat(1, 10).ToArray(),
            LayerOutput.Signs(Enumerable.Range(0, 6).Select(j => new SignThreshold(random.Next(-500, 500), (ThresholdDirection)(j % 2))).ToArray()));
        var q2 = Enumerable.Range(0, 6 * 3).Select(_ => (sbyte)random.Next(-1, 2)).ToArray();
        var (nonzero, positive) = Planes(q2, 3, 6);
        var second = IntegerDenseLayer.Ternary("fc2", 6, nonzero, positive, null, LayerOutput.Logits(new[] { 0.5f, 1f, -2f }, new[] { 0f, 0.1f, 0.2f }, 1f));
        return new EngineModel("Integers", input, new EngineLayer[] { first, second });
    }

    private static byte[] Bytes(EngineModel model)
    {
        using var stream = new MemoryStream();
        QnnxFormat.Write(model, stream);
        return stream.ToArray();
    }

    [Fact]
    public void Integer_layers_round_trip_through_the_file()
    {
        var model = Model();
        var bytes = Bytes(model);
        var back = QnnxFormat.Read(new MemoryStream(bytes));
        Assert.Equal(bytes, Bytes(back));
        var (a, b) = (model.CreateWorkspace(), back.CreateWorkspace());
        var random = new Random(4);
        var outputs = new HashSet<int>();
        for (var s = 0; s < 30; s++)
        {
            var sample = Enumerable.Range(0, 10).Select(_ => (float)random.NextDouble()).ToArray();
            Assert.Equal(model.Logits(sample, a).ToArray(), back.Logits(sample, b).ToArray());
            outputs.Add(model.Predict(sample, a));
        }
        Assert.True(outputs.Count > 1, "the model should predict more than one class");
        for (var length = 0; length < bytes.Length; length++)
            Assert.Throws<QnnxFormatException>(() => QnnxFormat.Read(new MemoryStream(bytes[..length])));
    }

    [Fact]
    public void An_unknown_weight_coding_or_a_weight_count_that_disagrees_is_named()
    {
        var bytes = Bytes(Model());
        // fc1's coding byte follows its thresholds: find it after the name and the 10 multipliers.
        var name = System.Text.Encoding.UTF8.GetBytes("fc1");
        var at = bytes.AsSpan().IndexOf(name) + name.Length + 4 + 1 + 40 + 1 + 4 + 6 * 5;
        // Version 5 packs n-bit weights to their width: coding 3.
        Assert.Equal(3, bytes[at]);
        var coding = (byte[])bytes.Clone();
        coding[at] = 9;
        Assert.Contains("layer 0 (fc1): unknown weight coding 9", QnnxBytes.Refusal(QnnxBytes.Reseal(coding)));
        var count = (byte[])bytes.Clone();
        count[at + 2] = 59;   // 59 weights where 6 outputs × 10 inputs need 60
        Assert.Contains("layer 0 (fc1): 59 weights; 6 outputs of 10 inputs need 60", QnnxBytes.Refusal(QnnxBytes.Reseal(count)));
    }
}
