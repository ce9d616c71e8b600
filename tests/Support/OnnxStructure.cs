using Qnn.Export.Onnx.Proto;
using Xunit;

namespace Qnn.Tests.Support;

/// <summary>What every exported graph must be, read back from its bytes with the same schema:
/// opset 17 of the default domain and IR version 8; the input and output named, typed and
/// shaped with a dynamic batch; every node input produced before it (initializer, graph input
/// or an earlier node's output) and every name produced once; and, by ONNX's own checker and
/// strict shape inference (python3-onnx), every stage's value of the spec's shape.</summary>
public static class OnnxStructure
{
    public static ModelProto AssertWellFormed(string path, ModelSpec spec)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(8, model.IrVersion);
        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(17, opset.Version);
        var stages = Qnn.Spec.stages(spec);
        var graph = model.Graph;
        AssertTensor(Assert.Single(graph.Input), "input", stages[0].Shape);
        AssertTensor(Assert.Single(graph.Output), "logits", stages[^1].Shape);

        var known = new HashSet<string>(StringComparer.Ordinal) { "input" };
        foreach (var initializer in graph.Initializer)
            Assert.True(known.Add(initializer.Name), $"{initializer.Name} is defined twice");
        foreach (var node in graph.Node)
        {
            Assert.Equal("", node.Domain);
            foreach (var input in node.Input)
                Assert.True(known.Contains(input), $"{node.OpType} {node.Name} reads {input}, which nothing before it produces");
            foreach (var output in node.Output)
                Assert.True(known.Add(output), $"{output} is produced twice");
        }
        Assert.Contains("logits", known);
        Assert.Equal("logits", graph.Node[^1].Output[0]);

        // ONNX's checker (full check) and strict shape inference: each stage's value has its shape.
        var shapes = OnnxTools.Check(path);
        Assert.Equal("batch," + stages[^1].Shape[0], shapes["logits"]);
        var compared = 0;
        foreach (var stage in stages.Where(s => s.Kind is not (StageKind.Input or StageKind.Dropout)))
        {
            if (!shapes.TryGetValue(stage.Name, out var shape))
            {
                // Only the output layer's BatchNorm is renamed (to logits).
                Assert.True(stage == stages[^1], $"no value named {stage.Name} in the graph");
                continue;
            }
            Assert.Equal("batch," + string.Join(",", stage.Shape), shape);
            compared++;
        }
        Assert.True(compared >= 3, $"only {compared} stages' shapes compared");
        return model;
    }

    private static void AssertTensor(ValueInfoProto value, string name, int[] shape)
    {
        Assert.Equal(name, value.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, value.Type.TensorType.ElemType);
        var dims = value.Type.TensorType.Shape.Dim;
        Assert.Equal("batch", dims[0].DimParam);
        Assert.Equal(shape.Select(n => (long)n), dims.Skip(1).Select(d => d.DimValue));
    }
}
