namespace Qnn.Export.Onnx;

/// <summary>
/// The activations of <c>Quantizers</c> in evaluation. Every sign variant (its estimator only
/// shapes gradients, and a stochastic sign rounds deterministically in evaluation) is
/// Where(x ≥ 0, +1, −1): ONNX's Sign maps 0 to 0, the core's sign maps it to +1. Thresholds and
/// level counts are float32, as libtorch compares and scales a float32 tensor with a scalar. In
/// QONNX, signs are <c>BipolarQuant</c> and ternary and DoReFa activations <c>Quant</c>.
/// </summary>
internal static class OnnxActivations
{
    public static string Emit(OnnxGraph graph, string stage, ModelSpec spec, Activation activation, int? bits, string input, OnnxDialect dialect)
    {
        switch (activation)
        {
            case Activation.Binarize or Activation.BinarizeReste or Activation.BinarizeApprox or Activation.BinarizeSwish when dialect == OnnxDialect.Qonnx:
                return QonnxNodes.BipolarQuant(graph, stage, input, graph.Scalar(stage + ".scale", 1f));
            case Activation.Binarize or Activation.BinarizeReste or Activation.BinarizeApprox or Activation.BinarizeSwish:
                var nonNegative = graph.Node("GreaterOrEqual", stage + ".nonnegative", new[] { input, graph.Scalar(stage + ".zero", 0f) });
                return graph.Node("Where", stage, new[] { nonNegative, graph.Scalar(stage + ".plus", 1f), graph.Scalar(stage + ".minus", -1f) });
            case Activation.Ternarize when dialect == OnnxDialect.Qonnx:
                // round(x/2t) clipped to [−1, 1]: nonzero where |x| > t (exactly so for t a power of two, as the default 0.5).
                return QonnxNodes.Quant(graph, stage, input, graph.Scalar(stage + ".step", 2 * (float)spec.TernaryThreshold), 2, signed: true, narrow: true);
            case Activation.Ternarize:
                // (x > t) − (x < −t) ∈ {−1, 0, +1}.
                var threshold = (float)spec.TernaryThreshold;
                var above = graph.Node("Greater", stage + ".above", new[] { input, graph.Scalar(stage + ".threshold", threshold) });
                var below = graph.Node("Less", stage + ".below", new[] { input, graph.Scalar(stage + ".negative_threshold", -threshold) });
                var plus = graph.Node("Cast", stage + ".plus", new[] { above }, OnnxAttributes.Int("to", (long)Proto.TensorProto.Types.DataType.Float));
                var minus = graph.Node("Cast", stage + ".minus", new[] { below }, OnnxAttributes.Int("to", (long)Proto.TensorProto.Types.DataType.Float));
                return graph.Node("Sub", stage, new[] { plus, minus });
            case Activation.NBits:
                // DoReFa: round(n·clip(x, 0, 1))/n, n = 2^k − 1.
                var width = bits ?? throw new ExportException($"{stage}: a DoReFa activation without its width");
                var levels = graph.Scalar(stage + ".levels", (float)((1L << width) - 1));
                var clipped = graph.Node("Clip", stage + ".clip", new[] { input, graph.Scalar(stage + ".low", 0f), graph.Scalar(stage + ".high", 1f) });
                if (dialect == OnnxDialect.Qonnx)
                    return QonnxNodes.Quant(graph, stage, clipped, graph.Scalar(stage + ".step", 1f / ((1L << width) - 1)), width, signed: false, narrow: false);
                var rounded = graph.Node("Round", stage + ".round", new[] { graph.Node("Mul", stage + ".scale", new[] { clipped, levels }) });
                return graph.Node("Div", stage, new[] { rounded, levels });
            case Activation.Relu:
                return graph.Node("Relu", stage, new[] { input });
            case Activation.None:
                return input;
            default:
                throw new ExportException($"{stage}: Activation.{activation} has no ONNX form");
        }
    }
}
