using Qnn.Export.Onnx.Proto;
using Xunit;

namespace Qnn.Tests.Support;

/// <summary>A QONNX graph read structurally: each quantizer the spec declares, with its width,
/// signedness and range, in the QONNX domain; ONNX's checker; no dangling names.</summary>
public static class QonnxStructure
{
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
    public static ModelProto AssertQonnx(string path, ModelSpec spec, InputQuantizer input)
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
}
