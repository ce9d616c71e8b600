using Google.Protobuf;
using Qnn.Export.Onnx.Proto;
using Xunit;

namespace Qnn.Tests.Support;

/// <summary>Replaces QONNX's Quant and BipolarQuant by standard operators computing QONNX's
/// reference definitions (qonnx-custom-ops: quant_op.md, bipolar_quant_op.md), so that ONNX
/// Runtime can run a QONNX export and the numbers its annotations carry can be checked:
/// BipolarQuant(x, s) = Where(x ≥ 0, 1, −1)·s; Quant(x, s, z, b) = (Round(Clip(x/s + z, min, max)) − z)·s
/// with [min, max] from b, signed and narrow.</summary>
public static class QonnxLowering
{
    public const string Domain = "qonnx.custom_op.general";

    public static ModelProto ToStandard(ModelProto qonnx)
    {
        var model = qonnx.Clone();
        var graph = model.Graph;
        var constants = graph.Initializer.ToDictionary(t => t.Name);
        var nodes = graph.Node.ToList();
        graph.Node.Clear();
        var counter = 0;
        string Constant(float value)
        {
            var tensor = new TensorProto { Name = $"lowered.{counter++}", DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(BitConverter.GetBytes(value)) };
            graph.Initializer.Add(tensor);
            return tensor.Name;
        }
        string Node(string op, string output, params string[] inputs)
        {
            var node = new NodeProto { OpType = op, Name = output, Output = { output } };
            node.Input.AddRange(inputs);
            graph.Node.Add(node);
            return output;
        }
        float Scalar(string name) => BitConverter.ToSingle(constants[name].RawData.ToByteArray());
        foreach (var node in nodes)
        {
            if (node.Domain != Domain)
            {
                graph.Node.Add(node);
                continue;
            }
            var output = node.Output[0];
            switch (node.OpType)
            {
                case "BipolarQuant":
                    var signs = Node("Where", output + ".lowered_sign", Node("GreaterOrEqual", output + ".lowered_ge", node.Input[0], Constant(0)), Constant(1), Constant(-1));
                    Node("Mul", output, signs, node.Input[1]);
                    break;
                case "Quant":
                    var attributes = node.Attribute.ToDictionary(a => a.Name);
                    Assert.Equal("ROUND", attributes["rounding_mode"].S.ToStringUtf8());
                    var (signed, narrow, bits) = (attributes["signed"].I == 1, attributes["narrow"].I == 1, (int)Scalar(node.Input[3]));
                    var min = signed ? -Math.Pow(2, bits - 1) + (narrow ? 1 : 0) : 0;
                    var max = signed ? Math.Pow(2, bits - 1) - 1 : Math.Pow(2, bits) - (narrow ? 2 : 1);
                    var shifted = Node("Add", output + ".lowered_add", Node("Div", output + ".lowered_div", node.Input[0], node.Input[1]), node.Input[2]);
                    var rounded = Node("Round", output + ".lowered_round", Node("Clip", output + ".lowered_clip", shifted, Constant((float)min), Constant((float)max)));
                    Node("Mul", output, Node("Sub", output + ".lowered_sub", rounded, node.Input[2]), node.Input[1]);
                    break;
                default:
                    throw new InvalidOperationException($"unknown QONNX operator {node.OpType}");
            }
        }
        var custom = model.OpsetImport.Single(o => o.Domain == Domain);
        model.OpsetImport.Remove(custom);
        return model;
    }
}
