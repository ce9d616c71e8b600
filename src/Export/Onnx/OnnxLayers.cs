namespace Qnn.Export.Onnx;

/// <summary>The network's stages other than the input quantizer and the activations, each as the
/// ONNX operator that computes what the core's module computes in evaluation.</summary>
internal static class OnnxLayers
{
    /// <summary>QuantLinear: y = x·Q(W)ᵀ (+ b), a Gemm with transB.</summary>
    public static string Dense(OnnxGraph graph, string stage, DenseSpec spec, QuantLinear linear, string input, OnnxDialect dialect)
    {
        var weight = OnnxWeights.Emit(graph, stage, spec.Weights, linear.WeightQuantizer, linear.IntegerWeights, linear.Weight, dialect);
        var bias = OnnxWeights.Bias(graph, stage, linear);
        var inputs = bias is null ? new[] { input, weight } : new[] { input, weight, bias };
        return graph.Node("Gemm", stage, inputs, OnnxAttributes.Int("transB", 1));
    }

    /// <summary>QuantConv2d: a square kernel with its stride, symmetric padding, dilation and groups.</summary>
    public static string Conv(OnnxGraph graph, string stage, ConvSpec spec, QuantConv2d conv, string input, OnnxDialect dialect)
    {
        var weight = OnnxWeights.Emit(graph, stage, spec.Weights, conv.WeightQuantizer, conv.IntegerWeights, conv.Weight, dialect);
        var bias = OnnxWeights.Bias(graph, stage, conv);
        var inputs = bias is null ? new[] { input, weight } : new[] { input, weight, bias };
        return graph.Node("Conv", stage, inputs,
            OnnxAttributes.Ints("kernel_shape", conv.Kernel, conv.Kernel),
            OnnxAttributes.Ints("strides", conv.Stride, conv.Stride),
            OnnxAttributes.Ints("pads", conv.Padding, conv.Padding, conv.Padding, conv.Padding),
            OnnxAttributes.Ints("dilations", conv.Dilation, conv.Dilation),
            OnnxAttributes.Int("group", conv.Groups));
    }

    /// <summary>
    /// BatchNorm in evaluation as libtorch's CPU kernel computes it: α = γ·(1/√(σ² + ε)) and
    /// β' = β − μ·α per channel in float32, then y = x·α + β' (a Mul and an Add, so the rounding
    /// is libtorch's, not a fused BatchNormalization's).
    /// </summary>
    public static string BatchNorm(OnnxGraph graph, string stage, TorchSharp.Modules.NormBase norm, string input, bool channels)
    {
        var gamma = norm.weight!.detach().contiguous().data<float>().ToArray();
        var beta = norm.bias!.detach().contiguous().data<float>().ToArray();
        var mean = norm.running_mean!.contiguous().data<float>().ToArray();
        var variance = norm.running_var!.contiguous().data<float>().ToArray();
        var epsilon = (float)norm.eps;
        var alpha = new float[gamma.Length];
        var shift = new float[gamma.Length];
        for (var c = 0; c < gamma.Length; c++)
        {
            var inverse = 1f / MathF.Sqrt(variance[c] + epsilon);
            alpha[c] = inverse * gamma[c];
            shift[c] = beta[c] - mean[c] * alpha[c];
        }
        // [C] broadcasts over [N, C]; [C, 1, 1] over [N, C, H, W].
        long[] dims = channels ? new long[] { gamma.Length, 1, 1 } : new long[] { gamma.Length };
        var scaled = graph.Node("Mul", stage + ".scale", new[] { input, graph.Constant(stage + ".alpha", OnnxTensors.Float(dims, alpha)) });
        return graph.Node("Add", stage, new[] { scaled, graph.Constant(stage + ".beta", OnnxTensors.Float(dims, shift)) });
    }

    /// <summary>MaxPool2d(pool): window and stride <paramref name="pool"/>, no padding, floor.</summary>
    public static string MaxPool(OnnxGraph graph, string stage, int pool, string input) =>
        graph.Node("MaxPool", stage, new[] { input },
            OnnxAttributes.Ints("kernel_shape", pool, pool),
            OnnxAttributes.Ints("strides", pool, pool));

    /// <summary>AvgPool2d(pool) (the input's downscale): window and stride <paramref name="pool"/>, no padding, floor.</summary>
    public static string AveragePool(OnnxGraph graph, string stage, int pool, string input) =>
        graph.Node("AveragePool", stage, new[] { input },
            OnnxAttributes.Ints("kernel_shape", pool, pool),
            OnnxAttributes.Ints("strides", pool, pool));

    /// <summary>torch.nn.Flatten(): [N, C, H, W] to [N, C·H·W].</summary>
    public static string Flatten(OnnxGraph graph, string stage, string input) =>
        graph.Node("Flatten", stage, new[] { input }, OnnxAttributes.Int("axis", 1));
}
