namespace Qnn.Export.Onnx;

/// <summary>
/// The core's <c>InputQuantizer</c> in evaluation as ONNX nodes, operation for operation:
/// v = (min(max(x, low), high) − low) / max(high − low, 1e-30); then, for widths of at most 24
/// bits, round(v·L)/L with L = 2^bits − 1 (ONNX's Round and libtorch's round both round half to
/// even); wider widths stay v. Per-feature ranges and widths broadcast over the batch. In QONNX
/// the rounding is a <c>Quant</c> of v at step 1/L (unsigned, the widest rounded width).
/// </summary>
internal static class OnnxInputQuantizer
{
    public static string Emit(OnnxGraph graph, InputQuantizer quantizer, string input, OnnxDialect dialect)
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
        var quantized = dialect == OnnxDialect.Qonnx
            // Unsigned codes 0..L at step 1/L per feature; the widest width bounds them all.
            ? QonnxNodes.Quant(graph, "input.quantized", normalized, graph.Constant("input.step", OnnxTensors.Float(dims, levels.Select(l => 1f / l).ToArray())),
                bits.Where(b => b <= Limits.MaxCodeBits).Max(), signed: false, narrow: false)
            : Standard(graph, normalized, graph.Constant("input.levels", OnnxTensors.Float(dims, levels)));
        if (rounded.All(r => r))
            return quantized;
        // Mixed widths: features wider than 24 bits keep their normalized value.
        var mask = graph.Constant("input.rounded", OnnxTensors.Bool(dims, rounded));
        return graph.Node("Where", "input.select", new[] { mask, quantized, normalized });
    }

    /// <summary>round(v·L)/L, as the core computes it.</summary>
    private static string Standard(OnnxGraph graph, string normalized, string levels)
    {
        var codes = graph.Node("Round", "input.codes", new[] { graph.Node("Mul", "input.scaled", new[] { normalized, levels }) });
        return graph.Node("Div", "input.quantized", new[] { codes, levels });
    }
}
