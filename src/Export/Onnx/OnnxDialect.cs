namespace Qnn.Export.Onnx;

/// <summary>Which ONNX the exporter writes.</summary>
public enum OnnxDialect
{
    /// <summary>Standard operators only (opset 17): any ONNX runtime runs it.</summary>
    Standard,

    /// <summary>The same graph with its quantizers as QONNX's <c>Quant</c> and <c>BipolarQuant</c>
    /// (domain <c>qonnx.custom_op.general</c>, version 1), the annotations FINN and the QONNX tools
    /// read: bit widths, signedness and scales of the weights, activations and input.</summary>
    Qonnx,
}
