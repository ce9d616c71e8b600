using Xunit;
using Qnn.Engine.Format;

namespace Qnn.Engine.Tests;

/// <summary>The byte that opens each layer in a .qnnx file: the values files have always held.</summary>
public class LayerKindTests
{
    private static byte[] Bytes(EngineModel model)
    {
        using var stream = new MemoryStream();
        QnnxFormat.Write(model, stream);
        return stream.ToArray();
    }

    /// <summary>The kind byte of the layer named <paramref name="name"/>: before its u16 name length.</summary>
    private static int KindAt(byte[] bytes, string name) => bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(name)) - 3;

    private static EngineModel IntegerModel() =>
        new("Integer", new InputStage(new[] { 4 }, new[] { 0f }, new[] { 1f }, new[] { 1 }), new EngineLayer[]
        {
            IntegerDenseLayer.NBits("fc1", 4, 4, new sbyte[] { 1, -2, 3, 0, 7, -7, 0, 1 }, null,
                LayerOutput.Logits(new[] { 1f, 1f }, new[] { 0f, 0f }, 1f)),
        });

    [Fact]
    public void Each_layer_opens_with_the_kind_byte_files_have_always_held()
    {
        var bytes = Bytes(ConvAndFormatTests.SmallModel());
        Assert.Equal(2, bytes[KindAt(bytes, "conv1")]);
        Assert.Equal(3, bytes[KindAt(bytes, "pool1")]);
        Assert.Equal(1, bytes[KindAt(bytes, "fc2")]);
        Assert.Equal(4, bytes[KindAt(bytes, "fc3")]);
        var integer = Bytes(IntegerModel());
        Assert.Equal(5, integer[KindAt(integer, "fc1")]);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 },
            new[] { LayerKind.BinaryDense, LayerKind.Conv, LayerKind.MaxPool, LayerKind.FloatDense, LayerKind.IntegerDense }.Select(k => (byte)k));
    }

    [Fact]
    public void An_unknown_kind_is_named_by_its_byte()
    {
        var bytes = Bytes(ConvAndFormatTests.SmallModel());
        bytes[KindAt(bytes, "pool1")] = 10;
        var error = Assert.Throws<QnnxFormatException>(() => QnnxFormat.Read(new MemoryStream(QnnxBytes.Reseal(bytes))));
        Assert.Contains("layer 1: unknown kind 10", error.Message);
    }

    [Fact]
    public void An_integer_dense_model_round_trips_byte_for_byte()
    {
        var bytes = Bytes(IntegerModel());
        var back = QnnxFormat.Read(new MemoryStream(bytes));
        Assert.Equal(bytes, Bytes(back));
        Assert.IsType<IntegerDenseLayer>(Assert.Single(back.Layers));
    }
}
