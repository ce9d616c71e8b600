using Google.Protobuf;
using Qnn.Export.Onnx.Proto;
using TorchSharp;

namespace Qnn.Export.Onnx;

/// <summary>
/// Writes a built network — a generated module or <c>Spec.build</c>'s, e.g. one loaded from a
/// saved model — as a standard ONNX model (opset 17, IR version 8): graph input <c>input</c>
/// ([batch, features] or [batch, C, H, W], the batch dynamic), output <c>logits</c>
/// ([batch, classes]). Each stage of <c>Spec.stages</c> becomes the operators that compute what
/// its module computes in evaluation (<c>network.eval()</c>): the input quantizer, the layers
/// with their frozen quantized weights, BatchNorm, the activations, max pooling and flatten;
/// dropout is the identity. ONNX is float math, so every layer the DSL declares is covered.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The default domain's operator set the graph is written against.</summary>
    public const long Opset = 17;

    /// <summary>The IR version (ONNX 1.12's, which every current runtime reads).</summary>
    public const long IrVersion = 8;

    /// <summary>The graph's input and output names.</summary>
    public const string InputName = "input", OutputName = "logits";

    /// <summary>Exports a network built by <c>Spec.build</c> (or loaded from a saved model).</summary>
    public static ModelProto Export(QuantizedNetwork network, IReadOnlyList<string>? classNames = null, OnnxDialect dialect = OnnxDialect.Standard) =>
        Export(network, network.Spec, classNames, dialect);

    /// <summary>Exports any network whose modules are named as <paramref name="spec"/>'s stages
    /// (e.g. a generated model); <paramref name="classNames"/>, when given, travel in the model's
    /// metadata (<c>qnn.class_names</c>, one per line). <paramref name="dialect"/> QONNX writes the
    /// quantizers as QONNX's Quant and BipolarQuant.</summary>
    public static ModelProto Export(torch.nn.Module<torch.Tensor, torch.Tensor> network, ModelSpec spec, IReadOnlyList<string>? classNames = null, OnnxDialect dialect = OnnxDialect.Standard)
    {
        var modules = network.named_children().ToDictionary(c => c.name, c => c.module);
        T ModuleOf<T>(Stage stage) where T : class =>
            modules.TryGetValue(stage.Name, out var module) && module is T typed
                ? typed
                : throw new ExportException($"{spec.Name}: the network has no {typeof(T).Name} named {stage.Name}, which its spec declares");

        using var noGrad = torch.no_grad();
        var graph = new OnnxGraph();
        graph.Proto.Name = spec.Name;
        var stages = Qnn.Spec.stages(spec);
        var value = graph.Reserve(InputName);
        foreach (var stage in stages)
        {
            value = stage.Kind switch
            {
                StageKind.Input => OnnxInputQuantizer.Emit(graph, ModuleOf<InputQuantizer>(stage), value, dialect),
                StageKind.Conv => OnnxLayers.Conv(graph, stage.Name, ((LayerSpec.Conv)spec.Layers[stage.Layer]).Item, ModuleOf<QuantConv2d>(stage), value, dialect),
                StageKind.Dense => OnnxLayers.Dense(graph, stage.Name, ((LayerSpec.Dense)spec.Layers[stage.Layer]).Item, ModuleOf<QuantLinear>(stage), value, dialect),
                StageKind.BatchNorm => OnnxLayers.BatchNorm(graph, stage.Name, ModuleOf<TorchSharp.Modules.NormBase>(stage), value, channels: stage.Shape.Length > 1),
                StageKind.Activation => Activation(graph, spec, stage, value, dialect),
                StageKind.MaxPool => OnnxLayers.MaxPool(graph, stage.Name, ((LayerSpec.Conv)spec.Layers[stage.Layer]).Item.Pool, value),
                StageKind.Flatten => OnnxLayers.Flatten(graph, stage.Name, value),
                StageKind.Downscale => OnnxLayers.AveragePool(graph, stage.Name, ((InputSpec.Image)spec.Input).Item.Downscale, value),
                // Dropout is the identity in evaluation.
                StageKind.Dropout => value,
                _ => throw new ExportException($"{stage.Name}: a {stage.Kind} stage has no ONNX form"),
            };
        }
        graph.NameLastOutput(OutputName);
        graph.Proto.Input.Add(TensorValue(InputName, stages[0].Shape));
        graph.Proto.Output.Add(TensorValue(OutputName, stages[^1].Shape));

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "qnn",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph.Proto,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        if (dialect == OnnxDialect.Qonnx)
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = QonnxNodes.Domain, Version = QonnxNodes.Version });
        if (classNames is { Count: > 0 })
        {
            if (classNames.Count != stages[^1].Shape[0])
                throw new ExportException($"{classNames.Count} class names for {spec.Name}'s {stages[^1].Shape[0]} classes");
            model.MetadataProps.Add(new StringStringEntryProto { Key = "qnn.class_names", Value = string.Join("\n", classNames) });
        }
        return model;
    }

    /// <summary>The model's bytes, as written to a .onnx file.</summary>
    public static byte[] Bytes(ModelProto model) => model.ToByteArray();

    private static string Activation(OnnxGraph graph, ModelSpec spec, Stage stage, string value, OnnxDialect dialect)
    {
        var (activation, bits) = Shapes.activation(spec, stage.Layer).ToValueTuple();
        return OnnxActivations.Emit(graph, stage.Name, spec, activation, bits is null ? null : bits.Value, value, dialect);
    }

    /// <summary>A float tensor of <paramref name="shape"/> behind a dynamic batch dimension.</summary>
    private static ValueInfoProto TensorValue(string name, int[] shape)
    {
        var tensorShape = new TensorShapeProto();
        tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (var size in shape)
            tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape } },
        };
    }
}
