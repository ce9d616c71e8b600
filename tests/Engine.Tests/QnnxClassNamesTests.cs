using System.Buffers.Binary;
using System.Text;
using Xunit;
using static Qnn.Engine.Tests.QnnxBytes;
using Qnn.Engine.Format;

namespace Qnn.Engine.Tests;

/// <summary>The class-names block of format version 4: written, read back, checked, and absent
/// from version-3 files.</summary>
public class QnnxClassNamesTests
{
    [Fact]
    public void Class_names_round_trip_through_a_version_4_and_a_current_file()
    {
        var model = QnnxTestModels.Integer(ternaryFirst: true);
        var bytes = Of(model);
        Assert.Equal(Qnn.Engine.Format.QnnxFormat.Version, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(new[] { "a", "", "größer" }, Read(bytes).ClassNames);
        var version4 = AsVersion(model, 4);
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(version4.AsSpan(4)));
        Assert.Equal(new[] { "a", "", "größer" }, Read(version4).ClassNames);
        Assert.Null(Read(Of(QnnxTestModels.Integer(ternaryFirst: false))).ClassNames);
    }

    [Fact]
    public void A_version_3_file_has_no_names_and_predicts_the_same()
    {
        var model = QnnxTestModels.Cnn();
        var v3 = AsVersion(model, 3);
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(v3.AsSpan(4)));
        var back = Read(v3);
        Assert.Null(back.ClassNames);
        var (a, b) = (model.CreateWorkspace(), back.CreateWorkspace());
        var sample = Enumerable.Range(0, model.Input.Size).Select(i => (float)(i * 37 % 256)).ToArray();
        Assert.Equal(model.Logits(sample, a).ToArray(), back.Logits(sample, b).ToArray());
        // Version 3 has no names block: the four bytes of an empty one are extra data there.
        var withBlock = Of(model);
        BinaryPrimitives.WriteUInt16LittleEndian(withBlock.AsSpan(4), 3);
        Assert.Equal("end: the end marker is missing: the file is truncated or has extra data", Refusal(Reseal(withBlock)));
    }

    [Theory]
    [InlineData(2u)]
    [InlineData(4u)]
    [InlineData(uint.MaxValue)]
    public void A_names_block_with_a_wrong_count_is_refused(uint count)
    {
        var bytes = Of(QnnxTestModels.BinaryMlp());
        var at = CountOffset(bytes, "hernia");
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), count);
        Assert.Equal($"class names: {count} names for a model of 3 classes; expected 3 or 0", Refusal(Reseal(bytes)));
    }

    [Fact]
    public void A_name_that_is_not_utf8_is_refused()
    {
        var bytes = Of(QnnxTestModels.BinaryMlp());
        var at = CountOffset(bytes, "hernia") + 4 + 2;
        bytes[at] = 0xFF;
        Assert.Equal("class names: class name 0 is not valid UTF-8", Refusal(Reseal(bytes)));
    }

    [Fact]
    public void Wrong_counts_and_long_names_are_refused_before_a_file_exists()
    {
        var model = QnnxTestModels.BinaryMlp();
        var e = Assert.Throws<ArgumentException>(() => new EngineModel("m", model.Input, model.Layers, new[] { "one", "two" }));
        Assert.Equal("2 class names for a model of 3 classes", e.Message);
        var longName = new EngineModel("m", model.Input, model.Layers, new[] { "a", new string('x', QnnxLimits.MaxNameChars + 1), "c" });
        Assert.Contains("a class name", Assert.Throws<ArgumentException>(() => Of(longName)).Message);
        Assert.Null(new EngineModel("m", model.Input, model.Layers, Array.Empty<string>()).ClassNames);
    }

    /// <summary>Where the names block's count sits: just before the first name's length.</summary>
    private static int CountOffset(byte[] bytes, string firstName)
    {
        var name = Encoding.UTF8.GetBytes(firstName);
        return bytes.AsSpan().LastIndexOf(name) - 2 - 4;
    }
}
