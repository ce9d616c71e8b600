using Qnn.Engine;
using Qnn.Export;
using Qnn.Export.C;
using TorchSharp;
using Xunit;
using static Qnn.Host.Tests.ExportTests;
using Qnn.Engine.Format;
using Qnn.Tests.Support;

namespace Qnn.Host.Tests;

/// <summary>Every layer the DSL declares exports (format version 5): the catalog's ternary,
/// n-bit and float MLPs and specs that use each newly exported kind, trained briefly on the real
/// data and compared with TorchSharp's evaluation on every test sample (class exact, logits
/// within 1e-4, and the same after a .qnnx round trip).</summary>
public class ExportCoverageTests
{
    [SkippableTheory]
    [InlineData("TernaryMlp")]
    [InlineData("NBitsMlp")]
    [InlineData("FloatMlp")]
    public void The_catalogs_ternary_n_bit_and_float_mlps_on_vertebral(string model) =>
        AssertBitExact(Cli.RequireData("vertebral/column_3C.dat"), "vertebral", "--model", model, "--epochs", "3");

    [SkippableTheory]
    // Ternary activations into binary, ternary and n-bit layers.
    [InlineData("Ternarize", "", """{ "dense": 32, "weights": "Binary" }, { "dense": 32, "weights": "Ternary" }, { "dense": 32, "weights": "NBits", "bits": 4 }, { "dense": 3, "weights": "Binary" }""", "\"bits\": 16")]
    // 3-bit DoReFa codes (folded into 7 thresholds) into ternary, binary and n-bit layers; per-feature widths.
    [InlineData("NBits", "\"activationBits\": 3,", """{ "dense": 32, "weights": "Ternary" }, { "dense": 32, "weights": "Binary" }, { "dense": 3, "weights": "NBits", "bits": 6 }""", "\"featureBits\": [8, 8, 8, 8, 16, 16]")]
    // 4- and 8-bit DoReFa codes as integer requantization into n-bit and binary layers (BitNetMCU's kind of network).
    [InlineData("NBits", "\"activationBits\": 4,", """{ "dense": 32, "weights": "NBits", "bits": 4 }, { "dense": 32, "weights": "Binary", "activationBits": 8 }, { "dense": 3, "weights": "NBits", "bits": 4 }""", "\"bits\": 8")]
    // ReLU and identity hidden layers: real values into integer weights.
    [InlineData("Binarize", "", """{ "dense": 32, "weights": "NBits", "bits": 4, "activation": "Relu" }, { "dense": 32, "weights": "Binary", "activation": "None" }, { "dense": 32, "weights": "Ternary" }, { "dense": 3, "weights": "Binary", "scaled": true }""", "\"bits\": 12")]
    // A float first layer on input codes.
    [InlineData("Binarize", "", """{ "dense": 32 }, { "dense": 32, "weights": "Binary" }, { "dense": 3, "weights": "Binary" }""", "\"bits\": 16")]
    // Stochastic training and dropout: deterministic at inference.
    [InlineData("BinarizeReste", "\"qMode\": \"Stochastic\", \"dropout\": 0.2,", """{ "dense": 32, "weights": "Binary" }, { "dense": 32, "weights": "NBits", "bits": 4 }, { "dense": 3, "weights": "Binary" }""", "\"bits\": 8")]
    // Wide weights (12 and 31 bits), 12-bit DoReFa (float), unrounded 32-bit inputs.
    [InlineData("NBits", "\"activationBits\": 12,", """{ "dense": 32, "weights": "NBits", "bits": 12 }, { "dense": 32, "weights": "NBits", "bits": 31, "activation": "Ternarize" }, { "dense": 3, "weights": "NBits", "bits": 16 }""", "\"bits\": 32")]
    // Per-feature widths with an unrounded one, binary weights throughout.
    [InlineData("Binarize", "", """{ "dense": 32, "weights": "Binary" }, { "dense": 32, "weights": "Binary" }, { "dense": 3, "weights": "Binary" }""", "\"featureBits\": [8, 32, 16, 4, 12, 24]")]
    public void Mlps_with_every_newly_exported_kind_on_vertebral(string activation, string extra, string layers, string input)
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var spec = Temp("spec.json");
        File.WriteAllText(spec, $$"""{ "name": "CoverageMlp", "kind": "mlp", "activation": "{{activation}}", {{extra}} "input": { "features": 6, {{input}} }, "layers": [ {{layers}} ] }""");
        AssertBitExact(data, "vertebral", "--model", spec, "--epochs", "3");
    }

    [SkippableTheory]
    // Ternary convolution into ternary levels and value pooling; a grouped, dilated 4-bit
    // convolution with 2-bit DoReFa codes; a binary head.
    [InlineData("mini-mnist", """{ "conv": 8, "kernel": 3, "weights": "Ternary", "activation": "Ternarize", "pool": 2 }, { "conv": 8, "kernel": 3, "padding": 2, "dilation": 2, "groups": 2, "weights": "NBits", "bits": 4, "activation": "NBits", "activationBits": 2, "pool": 2 }, { "dense": 10, "weights": "Binary" }""")]
    // A 4-bit convolution with 8-bit codes (requantized), a depthwise 4-bit one with 4-bit codes, a 4-bit head.
    [InlineData("mini-mnist", """{ "conv": 8, "kernel": 3, "weights": "NBits", "bits": 4, "activation": "NBits", "activationBits": 8, "pool": 2 }, { "conv": 8, "kernel": 3, "groups": 8, "weights": "NBits", "bits": 4, "activation": "NBits", "activationBits": 4, "pool": 2 }, { "dense": 10, "weights": "NBits", "bits": 4 }""")]
    // Scaled-binary convolution with ReLU; a float grouped convolution with sign; a 12-bit head.
    [InlineData("mini-fashion-mnist", """{ "conv": 8, "kernel": 3, "weights": "Binary", "scaled": true, "activation": "Relu", "pool": 2 }, { "conv": 8, "kernel": 3, "groups": 4, "activation": "Binarize", "pool": 2 }, { "dense": 10, "weights": "NBits", "bits": 12 }""")]
    // Binary convolutions (the packed kernel), stochastic, a dropout hidden layer, a float first convolution.
    [InlineData("mini-mnist", """{ "conv": 6, "kernel": 5, "stride": 2 }, { "conv": 8, "kernel": 3, "weights": "Binary" }, { "dense": 32, "weights": "Binary" }, { "dense": 10, "weights": "Binary" }""", "\"qMode\": \"Stochastic\", \"dropout\": 0.2,")]
    // The input downscaled 2 × 2 (window sums of the codes), 4-bit convolutions with 4-bit codes.
    [InlineData("mini-mnist", """{ "conv": 8, "kernel": 3, "weights": "NBits", "bits": 4, "activation": "NBits", "activationBits": 4, "pool": 2 }, { "conv": 8, "kernel": 3, "weights": "Binary", "pool": 2 }, { "dense": 10, "weights": "NBits", "bits": 4 }""", "", ", \"downscale\": 2")]
    public void Cnns_with_every_newly_exported_convolution(string dataSet, string layers, string extra = "", string input = "")
    {
        var data = dataSet == "mini-mnist" ? Cli.RequireData("mnist/train-images-idx3-ubyte.gz") : null;
        if (data is null)
            Prerequisite.FashionMnist();
        var spec = Temp("cnn.json");
        File.WriteAllText(spec, $$"""{ "name": "CoverageCnn", "kind": "cnn", "activation": "Binarize", {{extra}} "input": { "channels": 1, "height": 28, "width": 28, "bits": 8{{input}} }, "layers": [ {{layers}} ] }""");
        AssertBitExact(data, dataSet, "--model", spec, "--epochs", "1", "--batch-size", "128");
    }

    [Fact]
    public void The_c_export_translates_every_catalog_model()
    {
        foreach (var name in new[] { "VertebralMlp", "FloatMlp", "TernaryMlp", "NBitsMlp", "MiniMnistCnn", "BinaryLeNet5" })
        {
            torch.manual_seed(1);
            using var network = Qnn.Spec.build(Catalog.ModelCatalog.Resolve(name).Spec);
            var source = CExporter.Generate(EngineExporter.Export(network), "net");
            Assert.Contains("int net_predict(const float *input);", source.Header);
            // Unrounded (32-bit) inputs have no integer codes, so no codes entry point.
            Assert.Equal(name != "FloatMlp", source.Header.Contains("int net_predict_codes(const net_code_t *codes);"));
        }
    }

    [Fact]
    public void Inspect_says_per_layer_whether_it_runs_integer_only_or_float_and_why()
    {
        string Inspect(string model)
        {
            torch.manual_seed(1);
            using var network = Qnn.Spec.build(Catalog.ModelCatalog.Resolve(model).Spec);
            var path = Temp(Path.GetFileNameWithoutExtension(model) + ".qnnx");
            using (var file = File.Create(path))
                QnnxFormat.Write(EngineExporter.Export(network), file);
            var result = Cli.Run(null, "inspect", "--model", path);
            Assert.True(result.ExitCode == 0, result.Error);
            return result.Output;
        }
        var floats = Inspect("FloatMlp");
        Assert.Contains("widths above 24 bits pass unrounded, as reals", floats);
        Assert.Contains("float (float weights), Relu out", floats);
        Assert.Contains("float (float weights), logits", floats);
        var ternary = Inspect("TernaryMlp");
        Assert.Contains("TernaryDense", ternary);
        Assert.Contains("2BitDense", ternary);
        Assert.Contains("integer-only (integer sums, 3-level thresholds)", ternary);
        Assert.Contains("integer (integer sums), float logits", ternary);
        var nBits = Inspect("NBitsMlp");
        Assert.Contains("integer-only (integer sums, 4-level thresholds)", nBits);
        var spec = Temp("EightBitCodes.json");
        File.WriteAllText(spec, """{ "name": "EightBitCodes", "kind": "mlp", "activation": "NBits", "activationBits": 8, "input": { "features": 6, "bits": 8 }, "layers": [ { "dense": 16, "weights": "NBits", "bits": 4 }, { "dense": 3, "weights": "NBits", "bits": 4 } ] }""");
        Assert.Contains("integer-only (integer sums, 256-level requantization)", Inspect(spec));
    }

    [Fact]
    public void Every_catalog_model_exports()
    {
        foreach (var name in new[] { "VertebralMlp", "FloatMlp", "TernaryMlp", "NBitsMlp", "MiniMnistCnn", "BinaryLeNet5" })
        {
            torch.manual_seed(1);
            using var network = Qnn.Spec.build(Catalog.ModelCatalog.Resolve(name).Spec);
            var engine = EngineExporter.Export(network);
            using var stream = new MemoryStream();
            QnnxFormat.Write(engine, stream);
            Assert.True(stream.Length > 0, name);
        }
    }
}
