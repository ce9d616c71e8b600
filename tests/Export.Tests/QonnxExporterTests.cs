using Google.Protobuf;
using Qnn.Export.Onnx;
using Qnn.Export.Onnx.Proto;
using Qnn.Tests.Support;
using TorchSharp;
using Xunit;

namespace Qnn.Export.Tests;

/// <summary>The QONNX dialect: the ONNX graph with QONNX's Quant and BipolarQuant, read
/// structurally (<see cref="QonnxStructure"/>) and numerically: with the QONNX operators
/// replaced by their reference definitions (<see cref="QonnxLowering"/>), ONNX Runtime gives
/// TorchSharp's classes and logits.</summary>
public class QonnxExporterTests
{
    private static string Temp() => Directory.CreateTempSubdirectory("qnn-qonnx-").FullName;

    private static void AssertLoweredAgrees(ModelProto model, torch.nn.Module<torch.Tensor, torch.Tensor> network, torch.Tensor features)
    {
        var lowered = Path.Combine(Temp(), "lowered.onnx");
        File.WriteAllBytes(lowered, QonnxLowering.ToStandard(model).ToByteArray());
        OnnxRuntimeCheck.AssertAgrees(lowered, network, features);
    }

    [SkippableTheory]
    [InlineData("""{ "name": "Convs", "kind": "cnn", "activation": "BinarizeReste", "input": { "channels": 4, "height": 11, "width": 11, "bits": 8 }, "layers": [ { "conv": 8, "kernel": 3, "stride": 2, "padding": 1, "groups": 2, "weights": "Binary", "scaled": true }, { "conv": 8, "kernel": 3, "padding": 2, "dilation": 2, "groups": 4, "pool": 2, "weights": "Ternary" }, { "conv": 6, "kernel": 2, "weights": "NBits", "bits": 5, "activation": "BinarizeApprox" }, { "dense": 12, "weights": "NBits", "bits": 3 }, { "dense": 4, "weights": "Binary" } ] }""")]
    [InlineData("""{ "name": "Activations", "kind": "cnn", "activation": "Ternarize", "input": { "channels": 1, "height": 12, "width": 12, "bits": 4 }, "layers": [ { "conv": 6, "kernel": 3, "weights": "NBits", "bits": 4, "activation": "NBits", "activationBits": 2 }, { "conv": 6, "kernel": 3, "pool": 2, "weights": "None", "activation": "Relu" }, { "dense": 16, "weights": "Ternary" }, { "dense": 8, "weights": "NBits", "bits": 12, "activation": "None" }, { "dense": 3, "weights": "None" } ] }""")]
    [InlineData("""{ "name": "Downscaled", "kind": "cnn", "activation": "NBits", "activationBits": 4, "input": { "channels": 1, "height": 12, "width": 12, "bits": 8, "downscale": 2 }, "layers": [ { "conv": 6, "kernel": 3, "weights": "NBits", "bits": 4, "pool": 2 }, { "dense": 3, "weights": "NBits", "bits": 4 } ] }""")]
    [InlineData("""{ "name": "Features", "kind": "mlp", "activation": "BinarizeSwish", "input": { "features": 6, "featureBits": [8, 4, 30, 16, 2, 24] }, "layers": [ { "dense": 24, "weights": "Ternary" }, { "dense": 24, "weights": "Binary", "scaled": true }, { "dense": 3, "weights": "NBits", "bits": 8 } ] }""")]
    public void Specs_in_qonnx(string json)
    {
        OnnxTools.RequirePython();
        using (torch.no_grad())
        {
            using var random = new RandomSpecNetwork(json, spreadNorms: false);
            var (spec, network, input) = (random.Spec, random.Network, (InputQuantizer)random.Network.Layers.Head.Item2);
            var path = Path.Combine(Temp(), "spec.onnx");
            File.WriteAllBytes(path, OnnxExporter.Bytes(OnnxExporter.Export(network, dialect: OnnxDialect.Qonnx)));
            var model = QonnxStructure.AssertQonnx(path, spec, input);
            AssertLoweredAgrees(model, network, random.Samples(300, 1.3));
        }
    }
}
