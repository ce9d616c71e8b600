namespace Qnn.Export.Onnx;

/// <summary>
/// The core's <c>InputQuantizer</c> in evaluation as ONNX nodes, operation for operation:
/// v = (min(max(x, low), high) − low) / max(high − low, 1e-30); then, for widths of at most 24
/// bits, round(v·L)/L with L = 2^bits − 1 (ONNX's Round and libtorch's round both round half to
/// even); wider widths stay v. Per-feature ranges and widths broadcast over the batch.
/// </summary>
internal static class OnnxInputQuantizer
{
    public static string Emit(OnnxGraph graph, InputQuantizer quantizer, string input)
    {
        var low = quantizer.Low.detach().contiguous().data<float>().ToArray();
        var high = quantizer.High.detach().contiguous().data<float>().ToArray();
        var bits = quantizer.Bits;
        // One value per feature ([F], broadcast over [N, F]) or one for the tensor ([1]).
        long[] dims = { low.Length };
        // Computed in float32 as libtorch computes (high − low).clamp_min(1e-30).
        var span = low.Select((l, i) => MathF.Max(high[i] - l, (float)1e-30)).ToArray();
        var lowName = graph.Constant("input.low", OnnxTensors.Float(dims, low));
        var highName = graph.Constant("input.high", OnnxTensors.Float(dims, high));
        var clipped = graph.Node("Min", "input.clip", new[] { graph.Node("Max", "input.max", new[] { input, lowName }), highName });
        var shifted = graph.Node("Sub", "input.sub", new[] { clipped, lowName });
        var normalized = graph.Node("Div", "input.normalize", new[] { shifted, graph.Constant("input.span", OnnxTensors.Float(dims, span)) });
        var rounded = bits.Select(b => b <= Limits.MaxCodeBits).ToArray();
        if (!rounded.Any(r => r))
            return normalized;
        var levels = bits.Select(b => (float)((1L << Math.Min(b, Limits.MaxCodeBits)) - 1)).ToArray();
        var levelsName = graph.Constant("input.levels", OnnxTensors.Float(dims, levels));
        var codes = graph.Node("Round", "input.codes", new[] { graph.Node("Mul", "input.scaled", new[] { normalized, levelsName }) });
        var quantized = graph.Node("Div", "input.quantized", new[] { codes, levelsName });
        if (rounded.All(r => r))
            return quantized;
        // Mixed widths: features wider than 24 bits keep their normalized value.
        var mask = graph.Constant("input.rounded", OnnxTensors.Bool(dims, rounded));
        return graph.Node("Where", "input.select", new[] { mask, quantized, normalized });
    }
}
