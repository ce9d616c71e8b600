using Google.Protobuf;
using Qnn.Export.Onnx;
using Qnn.Export.Onnx.Proto;
using Qnn.Host.Persistence;
using TorchSharp;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>`qnn export --format qonnx`: the ONNX graph with QONNX's Quant and BipolarQuant, read
/// structurally (each quantizer the spec declares, with its width, signedness and range, in the
/// QONNX domain; ONNX's checker; no dangling names), and numerically: with the QONNX operators
/// replaced by their reference definitions (<see cref="QonnxLowering"/>), ONNX Runtime gives
/// TorchSharp's classes and logits.</summary>
public class QonnxExportTests
{
    private static string Temp() => Directory.CreateTempSubdirectory("qnn-qonnx-").FullName;

    /// <summary>What each QONNX node of the spec should be: op type, bit width (0 for BipolarQuant), signed, narrow.</summary>
    private static Dictionary<string, (string Op, int Bits, bool Signed, bool Narrow)> Expected(ModelSpec spec, InputQuantizer input)
    {
        var expected = new Dictionary<string, (string, int, bool, bool)>();
        var rounded = input.Bits.Where(b => b <= 24).ToArray();
        if (rounded.Length > 0)
            expected["input.quantized"] = ("Quant", rounded.Max(), false, false);
        foreach (var stage in Qnn.Spec.stages(spec))
        {
            var layer = stage.Layer >= 0 ? spec.Layers[stage.Layer] : null;
            var weights = layer switch { LayerSpec.Dense d => d.Item.Weights, LayerSpec.Conv c => c.Item.Weights, _ => null };
            if (stage.Kind is StageKind.Dense or StageKind.Conv)
            {
                if (weights!.Mode == WeightQuant.Binary) expected[stage.Name + ".weight"] = ("BipolarQuant", 0, true, false);
                else if (weights.Mode == WeightQuant.Ternary) expected[stage.Name + ".weight"] = ("Quant", 2, true, true);
                else if (weights.Mode == WeightQuant.NBits) expected[stage.Name + ".weight"] = ("Quant", weights.Bits.Value, true, true);
            }
            if (stage.Kind == StageKind.Activation)
            {
                var (activation, bits) = Shapes.activation(spec, stage.Layer).ToValueTuple();
                if (activation is Activation.Binarize or Activation.BinarizeReste or Activation.BinarizeApprox or Activation.BinarizeSwish)
                    expected[stage.Name] = ("BipolarQuant", 0, true, false);
                else if (activation == Activation.Ternarize) expected[stage.Name] = ("Quant", 2, true, true);
                else if (activation == Activation.NBits) expected[stage.Name] = ("Quant", bits.Value, false, false);
            }
        }
        return expected;
    }

    /// <summary>The structural check; returns the model.</summary>
    private static ModelProto AssertQonnx(string path, ModelSpec spec, InputQuantizer input)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(8, model.IrVersion);
        Assert.Equal(17, model.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.Equal(1, model.OpsetImport.Single(o => o.Domain == QonnxLowering.Domain).Version);
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var known = new HashSet<string>(initializers.Keys) { "input" };
        foreach (var node in graph.Node)
        {
            Assert.All(node.Input, i => Assert.True(known.Contains(i), $"{node.Name} reads {i}, which nothing before it produces"));
            Assert.All(node.Output, o => Assert.True(known.Add(o), $"{o} is produced twice"));
        }
        Assert.Equal("logits", graph.Node[^1].Output[0]);
        var found = graph.Node.Where(n => n.Domain == QonnxLowering.Domain).ToDictionary(n => n.Output[0]);
        var expected = Expected(spec, input);
        Assert.Equal(expected.Keys.Order(), found.Keys.Order());
        foreach (var (name, (op, bits, signed, narrow)) in expected)
        {
            var node = found[name];
            Assert.Equal(op, node.OpType);
            if (op == "BipolarQuant")
            {
                Assert.Equal(2, node.Input.Count);
                continue;
            }
            var attributes = node.Attribute.ToDictionary(a => a.Name);
            Assert.Equal(bits, (int)BitConverter.ToSingle(initializers[node.Input[3]].RawData.ToByteArray()));
            Assert.Equal(0f, BitConverter.ToSingle(initializers[node.Input[2]].RawData.ToByteArray()));
            Assert.Equal(signed ? 1 : 0, attributes["signed"].I);
            Assert.Equal(narrow ? 1 : 0, attributes["narrow"].I);
            Assert.Equal("ROUND", attributes["rounding_mode"].S.ToStringUtf8());
        }
        OnnxTools.CheckCustom(path);
        return model;
    }

    private static void AssertLoweredAgrees(ModelProto model, torch.nn.Module<torch.Tensor, torch.Tensor> network, torch.Tensor features)
    {
        var lowered = Path.Combine(Temp(), "lowered.onnx");
        File.WriteAllBytes(lowered, QonnxLowering.ToStandard(model).ToByteArray());
        OnnxRuntimeCheck.AssertAgrees(lowered, network, features);
    }

    [SkippableTheory]
    [InlineData("""{ "name": "Convs", "kind": "cnn", "activation": "BinarizeReste", "input": { "channels": 4, "height": 11, "width": 11, "bits": 8 }, "layers": [ { "conv": 8, "kernel": 3, "stride": 2, "padding": 1, "groups": 2, "weights": "Binary", "scaled": true }, { "conv": 8, "kernel": 3, "padding": 2, "dilation": 2, "groups": 4, "pool": 2, "weights": "Ternary" }, { "conv": 6, "kernel": 2, "weights": "NBits", "bits": 5, "activation": "BinarizeApprox" }, { "dense": 12, "weights": "NBits", "bits": 3 }, { "dense": 4, "weights": "Binary" } ] }""")]
    [InlineData("""{ "name": "Activations", "kind": "cnn", "activation": "Ternarize", "input": { "channels": 1, "height": 12, "width": 12, "bits": 4 }, "layers": [ { "conv": 6, "kernel": 3, "weights": "NBits", "bits": 4, "activation": "NBits", "activationBits": 2 }, { "conv": 6, "kernel": 3, "pool": 2, "weights": "None", "activation": "Relu" }, { "dense": 16, "weights": "Ternary" }, { "dense": 8, "weights": "NBits", "bits": 12, "activation": "None" }, { "dense": 3, "weights": "None" } ] }""")]
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
            var model = AssertQonnx(path, spec, input);
            AssertLoweredAgrees(model, network, random.Samples(300, 1.3));
        }
    }

    [SkippableFact]
    public void VertebralMlp_with_the_cli_in_qonnx()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        OnnxTools.RequirePython();
        var folder = Temp();
        var saved = Path.Combine(folder, "model.qnn");
        var onnx = Path.Combine(folder, "model.onnx");
        var train = Cli.Run(data, "train", "--dataset", "vertebral", "--model", "VertebralMlp", "--epochs", "8", "--save", saved);
        Assert.True(train.ExitCode == 0, train.Error);
        var export = Cli.Run(data, "export", "--load", saved, "--format", "qonnx", "--out", onnx);
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Contains("as QONNX (opset 17, IR version 8)", export.Output);
        var (network, _) = SavedModel.Load(saved);
        using (network)
        {
            var model = AssertQonnx(onnx, network.Spec, (InputQuantizer)network.Layers.Head.Item2);
            // Three binary weight matrices and two sign activations, the 16-bit input.
            Assert.Equal(5, model.Graph.Node.Count(n => n.OpType == "BipolarQuant"));
            Assert.Equal(1, model.Graph.Node.Count(n => n.OpType == "Quant"));
        }
    }
}
