using Qnn.Export.Onnx.Proto;

namespace Qnn.Export.Onnx;

/// <summary>
/// Builds one graph in topological order: every node is appended after the nodes that produce
/// its inputs, and every value (initializer or node output) gets a unique name derived from the
/// stage it belongs to (<c>fc1.weight</c>, <c>bn1.mul</c>), so the graph reads like the network.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    public GraphProto Proto { get; } = new();

    /// <summary>Reserves a name (the graph input) so nothing else takes it.</summary>
    public string Reserve(string name) => Unique(name);

    /// <summary>Adds a constant under a unique name derived from <paramref name="name"/>.</summary>
    public string Constant(string name, TensorProto tensor)
    {
        tensor.Name = Unique(name);
        Proto.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A scalar float constant.</summary>
    public string Scalar(string name, float value) => Constant(name, OnnxTensors.Scalar(value));

    /// <summary>Appends a node of one output, named <paramref name="name"/> (made unique); returns the output.</summary>
    public string Node(string opType, string name, string[] inputs, params AttributeProto[] attributes)
    {
        var output = Unique(name);
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Proto.Node.Add(node);
        return output;
    }

    /// <summary>Renames the last node's output (to the graph output's name).</summary>
    public void NameLastOutput(string name)
    {
        if (!names.Add(name))
            throw new InvalidOperationException($"{name} is already a value of the graph");
        Proto.Node[^1].Output[0] = name;
    }

    private string Unique(string name)
    {
        var candidate = name;
        for (var n = 2; !names.Add(candidate); n++)
            candidate = $"{name}_{n}";
        return candidate;
    }
}
