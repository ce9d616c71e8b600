using Qnn.Host.Data;
using Qnn.Host.Persistence;
using Qnn.Tests.Support;
using TorchSharp;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>`qnn export --format onnx`: the exported graph, run by ONNX Runtime on every test
/// sample in one batch, gives TorchSharp's classes and logits (network.eval()) for every catalog
/// model trained briefly; the graph is well formed (<see cref="OnnxStructure"/>); the command's
/// errors. Specs with every layer kind, exported in process, are the exporter's tests (Export.Tests).</summary>
public class OnnxExportTests
{
    private static string Temp() => Directory.CreateTempSubdirectory("qnn-onnx-").FullName;

    private static LoadedData Load(string dataSet, string? dataDir) =>
        new DataSets(new DataOptions(Offline: true),
            new DataLocator(dataDir, new Dictionary<string, string?> { ["HOME"] = Path.GetTempPath() }),
            () => throw new InvalidOperationException("no downloads in tests")).Load(dataSet);

    /// <summary>Trains with the CLI, exports to ONNX with the CLI, and compares ONNX Runtime with
    /// the saved network on every test sample.</summary>
    private static void AssertCatalogModel(string dataDir, string dataSet, params string[] trainFlags)
    {
        var folder = Temp();
        var saved = Path.Combine(folder, "model.qnn");
        var onnx = Path.Combine(folder, "model.onnx");
        var train = Cli.Run(dataDir, new[] { "train", "--dataset", dataSet, "--save", saved }.Concat(trainFlags).ToArray());
        Assert.True(train.ExitCode == 0, train.Error);
        var export = Cli.Run(dataDir, "export", "--load", saved, "--format", "onnx", "--out", onnx);
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Contains("as ONNX (opset 17, IR version 8)", export.Output);
        Assert.Empty(Directory.GetFiles(folder, ".model.onnx.tmp-*"));

        var (network, info) = SavedModel.Load(saved);
        using (network)
        {
            var model = OnnxStructure.AssertWellFormed(onnx, network.Spec);
            Assert.Equal(string.Join("\n", info.ClassNames), Assert.Single(model.MetadataProps).Value);
            var (_, test) = Qnn.Host.Commands.ModelData.Fit(network.Spec, network.Spec.Name, Load(dataSet, dataDir));
            var compared = OnnxRuntimeCheck.AssertAgrees(onnx, network, test.Features);
            Assert.True(compared >= 60, $"only {compared} test samples");
        }
    }

    [SkippableTheory]
    [InlineData("VertebralMlp")]
    [InlineData("FloatMlp")]
    [InlineData("TernaryMlp")]
    [InlineData("NBitsMlp")]
    public void Vertebral_catalog_models_in_onnx_runtime(string model)
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        OnnxTools.RequirePython();
        AssertCatalogModel(data, "vertebral", "--model", model, "--epochs", "8");
    }

    [SkippableTheory]
    [InlineData("MiniMnistCnn")]
    [InlineData("BinaryLeNet5")]
    public void Image_catalog_models_in_onnx_runtime(string model)
    {
        var data = Cli.RequireData("mnist/train-images-idx3-ubyte.gz");
        OnnxTools.RequirePython();
        AssertCatalogModel(data, "mini-mnist", "--model", model, "--epochs", "1", "--batch-size", "128");
    }

    [Fact]
    public void A_missing_model_is_a_data_error()
    {
        var folder = Temp();
        var result = Cli.Run(null, "export", "--load", Path.Combine(folder, "none.qnn"), "--format", "onnx", "--out", Path.Combine(folder, "m.onnx"));
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("none.qnn: no such file", result.Error);
        Assert.False(File.Exists(Path.Combine(folder, "m.onnx")));
    }

    [Fact]
    public void An_engine_file_is_refused_with_what_to_give_instead()
    {
        var folder = Temp();
        var engine = Path.Combine(folder, "m.qnnx");
        File.WriteAllBytes(engine, "QNNX\u0001\u0000\u0000\u0000"u8.ToArray());
        var result = Cli.Run(null, "export", "--load", engine, "--format", "onnx", "--out", Path.Combine(folder, "m.onnx"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is an engine file (.qnnx); --format onnx takes a model saved by `qnn train --save` (.qnn)", result.Error);
        Assert.False(File.Exists(Path.Combine(folder, "m.onnx")));
    }

    [Fact]
    public void A_file_that_is_no_saved_model_is_a_data_error()
    {
        var folder = Temp();
        var junk = Path.Combine(folder, "m.qnn");
        File.WriteAllText(junk, "not a model");
        var result = Cli.Run(null, "export", "--load", junk, "--format", "onnx", "--out", Path.Combine(folder, "m.onnx"));
        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith("qnn: data error: ", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.False(File.Exists(Path.Combine(folder, "m.onnx")));
    }

    [Theory]
    [InlineData("dir", "is a directory; give a file name")]
    [InlineData("same", "would overwrite --load")]
    [InlineData("prefix", "--prefix names C source; it needs --format c")]
    public void Bad_onnx_outputs_are_usage_errors(string kind, string message)
    {
        var folder = Temp();
        var load = Path.Combine(folder, "m.qnn");
        File.WriteAllText(load, "x");
        var args = kind switch
        {
            "dir" => new[] { "export", "--load", load, "--format", "onnx", "--out", folder },
            "same" => new[] { "export", "--load", load, "--format", "onnx", "--out", load },
            _ => new[] { "export", "--load", load, "--format", "onnx", "--out", Path.Combine(folder, "m.onnx"), "--prefix", "net" },
        };
        var result = Cli.Run(null, args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Equal("x", File.ReadAllText(load));
    }
}
