using Google.Protobuf;
using Qnn.Export.Onnx.Proto;

namespace Qnn.Export.Onnx;

/// <summary>Initializer tensors: values in <c>raw_data</c> as ONNX stores them (little-endian,
/// row-major), so a weight matrix is one byte string and not one varint per value.</summary>
internal static class OnnxTensors
{
    public static TensorProto Float(long[] dims, ReadOnlySpan<float> values) =>
        Of(TensorProto.Types.DataType.Float, dims, values.Length, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));

    public static TensorProto Int8(long[] dims, ReadOnlySpan<sbyte> values) =>
        Of(TensorProto.Types.DataType.Int8, dims, values.Length, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));

    public static TensorProto Int32(long[] dims, ReadOnlySpan<int> values) =>
        Of(TensorProto.Types.DataType.Int32, dims, values.Length, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));

    public static TensorProto Bool(long[] dims, ReadOnlySpan<bool> values) =>
        Of(TensorProto.Types.DataType.Bool, dims, values.Length, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));

    /// <summary>A 0-dimensional float: the scalar operand of an elementwise node.</summary>
    public static TensorProto Scalar(float value) => Float(Array.Empty<long>(), new[] { value });

    private static TensorProto Of(TensorProto.Types.DataType type, long[] dims, int count, ReadOnlySpan<byte> bytes)
    {
        if (dims.Aggregate(1L, (p, n) => p * n) != count)
            throw new ArgumentException($"{count} values for a tensor of shape [{string.Join(", ", dims)}]");
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("ONNX's raw_data is little-endian; this writer runs on little-endian machines only");
        var tensor = new TensorProto { DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
