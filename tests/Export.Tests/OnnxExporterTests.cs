using Qnn.Tests.Support;
using TorchSharp;
using Xunit;

namespace Qnn.Export.Tests;

/// <summary>The ONNX exporter in process: for specs with every layer kind the DSL declares, the
/// graph run by ONNX Runtime on random samples in one batch gives TorchSharp's classes and logits
/// (network.eval()), and the graph is well formed (<see cref="OnnxStructure"/>); ties (sign of
/// zero, codes halfway between levels) go the core's way.</summary>
public class OnnxExporterTests
{
    private static string Temp() => Directory.CreateTempSubdirectory("qnn-onnx-").FullName;

    /// <summary>Builds the spec, calibrates its input on random samples and gives its BatchNorms
    /// real statistics (forwards in training mode) and non-trivial affine parameters; exports it
    /// in process and compares ONNX Runtime with TorchSharp on other random samples, some outside
    /// the calibrated range (clipped), all in one batch, then one sample alone.</summary>
    private static void AssertSpec(string json)
    {
        OnnxTools.RequirePython();
        using (torch.no_grad())
        {
            using var random = new RandomSpecNetwork(json, spreadNorms: true);
            var (spec, network) = (random.Spec, random.Network);
            var test = random.Samples(300, 1.3);
            var path = Path.Combine(Temp(), "spec.onnx");
            File.WriteAllBytes(path, Qnn.Export.Onnx.OnnxExporter.Bytes(Qnn.Export.Onnx.OnnxExporter.Export(network)));
            OnnxStructure.AssertWellFormed(path, spec);
            Assert.Equal(300, OnnxRuntimeCheck.AssertAgrees(path, network, test));
            Assert.Equal(1, OnnxRuntimeCheck.AssertAgrees(path, network, test[..1]));
        }
    }

    [SkippableTheory]
    // Strided, grouped and dilated convolutions; scaled binary, ternary and n-bit conv weights; sign activations.
    [InlineData("""{ "name": "Convs", "kind": "cnn", "activation": "BinarizeReste", "input": { "channels": 4, "height": 11, "width": 11, "bits": 8 }, "layers": [ { "conv": 8, "kernel": 3, "stride": 2, "padding": 1, "groups": 2, "weights": "Binary", "scaled": true }, { "conv": 8, "kernel": 3, "padding": 2, "dilation": 2, "groups": 4, "pool": 2, "weights": "Ternary" }, { "conv": 6, "kernel": 2, "weights": "NBits", "bits": 5, "activation": "BinarizeApprox" }, { "dense": 12, "weights": "NBits", "bits": 3 }, { "dense": 4, "weights": "Binary" } ] }""")]
    // DoReFa, ReLU, ternary and identity activations; float and n-bit conv weights; 12-bit weights (INT32 integers).
    [InlineData("""{ "name": "Activations", "kind": "cnn", "activation": "Ternarize", "ternaryThreshold": 0.4, "input": { "channels": 1, "height": 12, "width": 12, "bits": 4 }, "layers": [ { "conv": 6, "kernel": 3, "weights": "NBits", "bits": 4, "activation": "NBits", "activationBits": 2 }, { "conv": 6, "kernel": 3, "pool": 2, "weights": "None", "activation": "Relu" }, { "dense": 16, "weights": "Ternary" }, { "dense": 8, "weights": "NBits", "bits": 12, "activation": "None" }, { "dense": 3, "weights": "None" } ] }""")]
    // A downscaled image (a 2 × 2 average of the codes), 4-bit codes (requantized in the engine).
    [InlineData("""{ "name": "Downscaled", "kind": "cnn", "activation": "NBits", "activationBits": 4, "input": { "channels": 1, "height": 12, "width": 12, "bits": 8, "downscale": 2 }, "layers": [ { "conv": 6, "kernel": 3, "weights": "NBits", "bits": 4, "pool": 2 }, { "dense": 3, "weights": "NBits", "bits": 4 } ] }""")]
    // Per-feature widths, one beyond 24 bits (not rounded), a dropout stage, SwishSign.
    [InlineData("""{ "name": "Features", "kind": "mlp", "activation": "BinarizeSwish", "dropout": 0.2, "input": { "features": 6, "featureBits": [8, 4, 30, 16, 2, 24] }, "layers": [ { "dense": 24, "weights": "Ternary" }, { "dense": 24, "weights": "Binary", "scaled": true }, { "dense": 3, "weights": "NBits", "bits": 8 } ] }""")]
    // Float input (32 bits: only normalized) into float layers with ReLU, and DoReFa at 5 bits.
    [InlineData("""{ "name": "Floats", "kind": "mlp", "activation": "Relu", "input": { "features": 6, "bits": 32 }, "layers": [ { "dense": 16, "weights": "None" }, { "dense": 16, "weights": "None", "activation": "NBits", "activationBits": 5 }, { "dense": 3, "weights": "None" } ] }""")]
    public void Specs_with_every_layer_kind_in_onnx_runtime(string json) => AssertSpec(json);

    private static float[] TieSamples() => Enumerable.Range(0, 15 * 6).Select(i => (float)((i * 7 + i / 6) % 15) + 0.5f).ToArray();

    private static void AssertTies(string json, Action<QuantizedNetwork> prepare)
    {
        OnnxTools.RequirePython();
        torch.manual_seed(11);
        using var network = Qnn.Spec.build(Qnn.Spec.ofJson(json).ResultValue);
        using (torch.no_grad())
        {
            // A calibrated range [0, 15] at 4 bits: L = 15, and x + 0.5 lands halfway between codes.
            ((ICalibratedLayer)network.Layers.Head.Item2).Calibrate(torch.tensor(new float[] { 0, 15, 3, 7, 1, 2 }).reshape(1, 6));
            prepare(network);
            network.eval();
            var test = torch.tensor(TieSamples()).reshape(15, 6);
            var path = Path.Combine(Temp(), "ties.onnx");
            File.WriteAllBytes(path, Qnn.Export.Onnx.OnnxExporter.Bytes(Qnn.Export.Onnx.OnnxExporter.Export(network)));
            Assert.Equal(15, OnnxRuntimeCheck.AssertAgrees(path, network, test));
        }
    }

    /// <summary>ONNX's Sign maps 0 to 0, the core's sign to +1: BatchNorm channels of γ = β = 0
    /// output exact zeros, which must become +1.</summary>
    [SkippableFact]
    public void Sign_of_zero_is_plus_one() =>
        AssertTies("""{ "name": "Zeros", "kind": "mlp", "activation": "Binarize", "input": { "features": 6, "bits": 4 }, "layers": [ { "dense": 16, "weights": "Binary" }, { "dense": 3, "weights": "Binary" } ] }""", network =>
        {
            var norm = network.named_children().Select(c => c.module).OfType<TorchSharp.Modules.NormBase>().First();
            norm.weight![..6].zero_();
            norm.bias![..6].zero_();
        });

    /// <summary>Codes exactly halfway between two levels round half to even, as libtorch rounds
    /// (a single float layer, so every code shows in the logits).</summary>
    [SkippableFact]
    public void Input_codes_round_half_to_even() =>
        AssertTies("""{ "name": "Ties", "kind": "mlp", "input": { "features": 6, "bits": 4 }, "layers": [ { "dense": 3, "weights": "None" } ] }""", network =>
        {
            // The core's codes of these samples include halves rounded down (to even) and up.
            using var quantized = network.Layers.Head.Item2.call(torch.tensor(TieSamples()).reshape(15, 6));
            var codes = quantized.mul(15f).round().data<float>().ToArray();
            var exact = TieSamples();
            Assert.Contains(codes.Select((c, i) => c - exact[i]), d => d == -0.5f);
            Assert.Contains(codes.Select((c, i) => c - exact[i]), d => d == 0.5f);
        });
}
