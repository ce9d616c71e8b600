namespace Qnn.Export.Onnx;

/// <summary>
/// QONNX's quantizer operators (docs of fastmachinelearning/qonnx, "qonnx-custom-ops"):
/// <c>BipolarQuant(x, scale)</c> = (x ≥ 0 ? +1 : −1)·scale, sign(0) = +1 as in the core; and
/// <c>Quant(x, scale, zeropt, bitwidth)</c> = (round(clip(x/scale + zeropt, min, max)) − zeropt)·scale
/// with the integer range [min, max] given by the width, <c>signed</c> and <c>narrow</c>, and
/// rounding half to even (<c>ROUND</c>).
/// </summary>
internal static class QonnxNodes
{
    /// <summary>The custom operators' domain and its version.</summary>
    public const string Domain = "qonnx.custom_op.general";
    public const long Version = 1;

    public static string BipolarQuant(OnnxGraph graph, string name, string input, string scale)
    {
        var output = graph.Node("BipolarQuant", name, new[] { input, scale });
        graph.Proto.Node[^1].Domain = Domain;
        return output;
    }

    public static string Quant(OnnxGraph graph, string name, string input, string scale, int bits, bool signed, bool narrow)
    {
        var output = graph.Node("Quant", name,
            new[] { input, scale, graph.Scalar(name + ".zeropt", 0f), graph.Scalar(name + ".bitwidth", bits) },
            OnnxAttributes.Int("signed", signed ? 1 : 0),
            OnnxAttributes.Int("narrow", narrow ? 1 : 0),
            OnnxAttributes.String("rounding_mode", "ROUND"));
        graph.Proto.Node[^1].Domain = Domain;
        return output;
    }
}
