using TorchSharp;

namespace Qnn.Export.Onnx;

/// <summary>
/// A layer's frozen weights as the evaluation forward uses them. Quantized weights are stored as
/// their integers (±1, −1/0/+1 or n-bit values, from the layer's <c>IntegerWeights()</c>) in an
/// INT8 tensor (INT32 beyond 8 bits), cast to float and multiplied by the per-output-channel
/// scales: in float32 that product is exactly the core's Q(W) = integers · scales. Float
/// weights (WeightQuant.None) are stored as they are.
/// </summary>
internal static class OnnxWeights
{
    /// <summary>The weights' value name; <paramref name="latent"/> is the layer's weight parameter.</summary>
    public static string Emit(OnnxGraph graph, string stage, WeightSpec spec, Quantizer quantizer, Func<IntegerWeights> integerWeights, torch.Tensor latent, OnnxDialect dialect)
    {
        var dims = latent.shape;
        if (!quantizer.HasIntegerForm)
            return graph.Constant(stage + ".weight", OnnxTensors.Float(dims, latent.detach().contiguous().data<float>().ToArray()));
        using var weights = integerWeights();
        var integers = weights.Integers.detach().contiguous();
        if (dialect == OnnxDialect.Qonnx)
            return Qonnx(graph, stage, spec, weights, integers, dims);
        var stored = weights.Largest <= sbyte.MaxValue
            ? graph.Constant(stage + ".weight_integers", OnnxTensors.Int8(dims, integers.to_type(torch.ScalarType.Int8).data<sbyte>().ToArray()))
            : graph.Constant(stage + ".weight_integers", OnnxTensors.Int32(dims, integers.to_type(torch.ScalarType.Int32).data<int>().ToArray()));
        var asFloat = graph.Node("Cast", stage + ".weight_float", new[] { stored }, OnnxAttributes.Int("to", (long)Proto.TensorProto.Types.DataType.Float));
        if (weights.Unscaled)
            return asFloat;
        // [out, 1] or [out, 1, 1, 1]: one scale per output channel.
        var scaleDims = dims.Select((n, axis) => axis == 0 ? n : 1L).ToArray();
        var scales = graph.Constant(stage + ".weight_scales", OnnxTensors.Float(scaleDims, weights.Scales));
        return graph.Node("Mul", stage + ".weight", new[] { asFloat, scales });
    }

    /// <summary>The layer's bias parameter, if it has one (the DSL's layers have none: a BatchNorm follows).</summary>
    public static string? Bias(OnnxGraph graph, string stage, torch.nn.Module module)
    {
        var bias = module.named_parameters(recurse: false).FirstOrDefault(p => p.name == "bias").parameter;
        return bias is null ? null : graph.Constant(stage + ".bias", OnnxTensors.Float(bias.shape, bias.detach().contiguous().data<float>().ToArray()));
    }

    /// <summary>
    /// QONNX: binary weights as their ±1 through <c>BipolarQuant</c> with the scale (1, or α per
    /// output channel); ternary and n-bit weights as the core's Q(W) = integers·s through a
    /// signed narrow-range <c>Quant</c> at step s per output channel (2 bits for ternary), which
    /// gives Q(W) back. A channel whose step is 0 (all its weights 0) gets step 1.
    /// </summary>
    private static string Qonnx(OnnxGraph graph, string stage, WeightSpec spec, IntegerWeights weights, torch.Tensor integers, long[] dims)
    {
        var scaleDims = dims.Select((n, axis) => axis == 0 ? n : 1L).ToArray();
        var values = integers.data<float>().ToArray();
        if (spec.Mode == WeightQuant.Binary)
        {
            var signs = graph.Constant(stage + ".weight_signs", OnnxTensors.Float(dims, values));
            var alpha = weights.Unscaled ? graph.Scalar(stage + ".weight_scale", 1f) : graph.Constant(stage + ".weight_scales", OnnxTensors.Float(scaleDims, weights.Scales));
            return QonnxNodes.BipolarQuant(graph, stage + ".weight", signs, alpha);
        }
        var perChannel = values.Length / weights.Scales.Length;
        var quantized = values.Select((q, i) => q * weights.Scales[i / perChannel]).ToArray();
        var steps = weights.Scales.Select(s => s == 0 ? 1f : s).ToArray();
        return QonnxNodes.Quant(graph, stage + ".weight", graph.Constant(stage + ".weight_values", OnnxTensors.Float(dims, quantized)),
            graph.Constant(stage + ".weight_steps", OnnxTensors.Float(scaleDims, steps)), weights.Bits, signed: true, narrow: true);
    }
}
