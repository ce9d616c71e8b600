using Qnn.Engine;
using Qnn.Host.Data;
using Qnn.Export;
using Qnn.Host.Persistence;
using Qnn.Models;
using TorchSharp;
using Xunit;
using Qnn.Engine.Format;
using Qnn.Tests.Support;

namespace Qnn.Host.Tests;

/// <summary>The exported engine predicts exactly what TorchSharp's evaluation predicts, on every
/// test sample, for binary MLPs and CNNs trained by `qnn train`.</summary>
public class ExportTests
{
    internal static string Temp(string name) => Path.Combine(Directory.CreateTempSubdirectory("qnn-export-").FullName, name);

    internal static LoadedData Load(string dataSet, string? dataDir) =>
        new DataSets(new DataOptions(Offline: true),
            new DataLocator(dataDir, new Dictionary<string, string?> { ["HOME"] = Path.GetTempPath() }),
            () => throw new InvalidOperationException("no downloads in tests")).Load(dataSet);

    /// <summary>Trains with the CLI, exports in process, and compares every test prediction.</summary>
    internal static void AssertBitExact(string? dataDir, string dataSet, params string[] trainFlags)
    {
        var saved = Temp("model.qnn");
        var train = Cli.Run(dataDir, new[] { "train", "--dataset", dataSet, "--save", saved }.Concat(trainFlags).ToArray());
        Assert.True(train.ExitCode == 0, train.Error);
        var (network, _) = SavedModel.Load(saved);
        using var _ = network;
        var (_, test) = Qnn.Host.Commands.ModelData.Fit(network.Spec, network.Spec.Name, Load(dataSet, dataDir));
        AssertSamePredictions(EngineExporter.Export(network), network, test);
    }

    /// <summary>Every test sample: the engine's class is TorchSharp's, its logits within 1e-4; and
    /// the engine saved as .qnnx and loaded back gives the same logits.</summary>
    internal static void AssertSamePredictions(EngineModel engine, torch.nn.Module<torch.Tensor, torch.Tensor> network, TensorDataset test)
    {
        using var file = new MemoryStream();
        QnnxFormat.Write(engine, file);
        file.Position = 0;
        var loaded = QnnxFormat.Read(file);
        var loadedWorkspace = loaded.CreateWorkspace();
        var expected = Training.predict(network, test.Features, 256);
        network.eval();
        float[] torchLogits;
        using (torch.no_grad())
            torchLogits = network.call(test.Features).contiguous().data<float>().ToArray();
        var samples = test.Features.contiguous().data<float>().ToArray();
        var size = engine.Input.Size;
        var workspace = engine.CreateWorkspace();
        for (var s = 0; s < expected.Length; s++)
        {
            var logits = engine.Logits(samples.AsSpan(s * size, size), workspace).ToArray();
            Assert.Equal(logits, loaded.Logits(samples.AsSpan(s * size, size), loadedWorkspace).ToArray());
            var predicted = Array.IndexOf(logits, logits.Max());
            Assert.True(predicted == expected[s], $"sample {s}: engine {predicted}, TorchSharp {expected[s]}");
            for (var j = 0; j < logits.Length; j++)
            {
                var reference = torchLogits[s * logits.Length + j];
                Assert.True(Math.Abs(logits[j] - reference) <= 1e-4 * Math.Max(1, Math.Abs(reference)),
                    $"sample {s}, logit {j}: engine {logits[j]}, TorchSharp {reference}");
            }
        }
    }

    [SkippableFact]
    public void A_generated_model_exports_without_a_saved_file()
    {
        var data = Load("vertebral", Cli.RequireData("vertebral/column_3C.dat"));
        var (train, test) = Qnn.Host.Commands.ModelData.Fit(VertebralMlp.Spec, "VertebralMlp", data);
        torch.manual_seed(1);
        using var model = new VertebralMlp();
        var result = Trainer.Fit(model, Trainer.Configure(TrainConfig.Default, epochs: 8), train, test);
        Assert.True(result.Accuracy > 0.6, $"trained to {result.Accuracy:P1}");
        AssertSamePredictions(EngineExporter.Export(model, VertebralMlp.Spec), model, test);
    }

    [SkippableFact]
    public void A_generated_cnn_exports_without_a_saved_file()
    {
        var data = Load("mini-mnist", Cli.RequireData("mnist/train-images-idx3-ubyte.gz"));
        torch.manual_seed(1);
        using var model = new MiniMnistCnn();
        Trainer.Fit(model, Trainer.Configure(TrainConfig.Default, epochs: 1, batchSize: 128), data.Train, data.Test);
        AssertSamePredictions(EngineExporter.Export(model, MiniMnistCnn.Spec), model, data.Test);
    }

    [Fact]
    public void A_network_whose_modules_are_not_its_specs_is_an_export_error()
    {
        torch.manual_seed(1);
        using var model = new VertebralMlp();
        var error = Assert.Throws<ExportException>(() => EngineExporter.Export(model, MiniMnistCnn.Spec));
        Assert.Contains("has no QuantConv2d named conv1", error.Message);
    }

    [SkippableFact]
    public void A_binary_mlp_on_vertebral() =>
        AssertBitExact(Cli.RequireData("vertebral/column_3C.dat"), "vertebral", "--epochs", "8");

    [SkippableFact]
    public void A_binary_cnn_with_a_float_output_layer_on_mini_mnist() =>
        AssertBitExact(Cli.RequireData("mnist/train-images-idx3-ubyte.gz"), "mini-mnist", "--model", "MiniMnistCnn", "--epochs", "1", "--batch-size", "128");

    [SkippableFact]
    public void A_binary_lenet_on_mini_fashion_mnist()
    {
        Prerequisite.FashionMnist();
        AssertBitExact(null, "mini-fashion-mnist", "--model", "BinaryLeNet5", "--epochs", "1", "--batch-size", "128");
    }

    [SkippableFact]
    public void A_binary_lenet_on_all_10000_fashion_mnist_test_images()
    {
        Prerequisite.FashionMnist();
        AssertBitExact(null, "fashion-mnist", "--model", "BinaryLeNet5", "--epochs", "1", "--batch-size", "256");
    }

    [SkippableFact]
    public void A_binary_mlp_on_images_with_a_spec_file()
    {
        var data = Cli.RequireData("mnist/train-images-idx3-ubyte.gz");
        var spec = Temp("digits.json");
        File.WriteAllText(spec, """{ "name": "DigitMlp", "kind": "mlp", "activation": "BinarizeReste", "input": { "features": 784, "bits": 8 }, "layers": [ { "dense": 128, "weights": "Binary" }, { "dense": 64, "weights": "Binary" }, { "dense": 10, "weights": "Binary" } ] }""");
        AssertBitExact(data, "mini-mnist", "--model", spec, "--epochs", "1", "--batch-size", "64");
    }

    [SkippableTheory]
    [InlineData("""{ "dense": 32, "weights": "Ternary" }, { "dense": 32, "weights": "Ternary" }, { "dense": 3, "weights": "Ternary" }""", "8")]
    [InlineData("""{ "dense": 32, "weights": "NBits", "bits": 4 }, { "dense": 32, "weights": "NBits", "bits": 2 }, { "dense": 3, "weights": "NBits", "bits": 8 }""", "8")]
    [InlineData("""{ "dense": 32, "weights": "Binary", "scaled": true }, { "dense": 32, "weights": "Binary", "scaled": true }, { "dense": 3, "weights": "Binary", "scaled": true }""", "8")]
    // Mixed input widths (multipliers other than 1) into ternary, n-bit and scaled layers.
    [InlineData("""{ "dense": 32, "weights": "Ternary" }, { "dense": 32, "weights": "NBits", "bits": 3 }, { "dense": 3, "weights": "Binary", "scaled": true }""", "[8, 8, 8, 8, 16, 16]")]
    [InlineData("""{ "dense": 32, "weights": "NBits", "bits": 5 }, { "dense": 32, "weights": "Ternary" }, { "dense": 3, "weights": "NBits", "bits": 4 }""", "[8, 4, 8, 4, 12, 12]")]
    public void Ternary_n_bit_and_scaled_binary_mlps_on_vertebral(string layers, string inputBits)
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var spec = Temp("weights.json");
        var input = inputBits.StartsWith('[') ? $"\"featureBits\": {inputBits}" : $"\"bits\": {inputBits}";
        File.WriteAllText(spec, $$"""{ "name": "WeightsMlp", "kind": "mlp", "activation": "Binarize", "input": { "features": 6, {{input}} }, "layers": [ {{layers}} ] }""");
        AssertBitExact(data, "vertebral", "--model", spec, "--epochs", "8");
    }

    [SkippableFact]
    public void Export_predict_and_inspect_from_the_command_line()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var saved = Temp("vertebral.qnn");
        Assert.Equal(0, Cli.Run(data, "train", "--epochs", "5", "--save", saved).ExitCode);
        var accuracy = Cli.Run(data, "eval", "--load", saved).Output.Split("accuracy ")[1].Split('%')[0];
        var exported = Path.ChangeExtension(saved, ".qnnx");
        var export = Cli.Run(data, "export", "--load", saved, "--out", exported);
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Contains($"exported VertebralMlp to {exported}", export.Output);
        var predict = Cli.Run(data, "predict", "--model", exported, "--dataset", "vertebral");
        Assert.True(predict.ExitCode == 0, predict.Error);
        Assert.StartsWith($"VertebralMlp on vertebral: accuracy {accuracy}% (62 test samples)", predict.Output);
        var inspect = Cli.Run(null, "inspect", "--model", exported);
        Assert.Contains("fc2    Dense  32   32", inspect.Output);
        Assert.Contains("1,024", inspect.Output);
    }

    [SkippableFact]
    public void A_corrupt_engine_file_exits_3()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var path = Temp("broken.qnnx");
        File.WriteAllBytes(path, "QNNX\u0001\u0000"u8.ToArray());
        var result = Cli.Run(data, "predict", "--model", path, "--dataset", "vertebral");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"{path}: the file is truncated", result.Error);
    }

    [SkippableFact]
    public void A_flipped_byte_in_an_exported_file_exits_3_naming_the_checksum()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var saved = Temp("vertebral.qnn");
        Assert.Equal(0, Cli.Run(data, "train", "--epochs", "2", "--save", saved).ExitCode);
        var exported = Path.ChangeExtension(saved, ".qnnx");
        Assert.Equal(0, Cli.Run(data, "export", "--load", saved, "--out", exported).ExitCode);
        var bytes = File.ReadAllBytes(exported);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(exported, bytes);
        var predict = Cli.Run(data, "predict", "--model", exported, "--dataset", "vertebral");
        Assert.Equal(3, predict.ExitCode);
        Assert.Contains("checksum mismatch", predict.Error);
    }

    [Fact]
    public void A_name_longer_than_an_engine_file_takes_is_an_export_error()
    {
        var spec = Qnn.Spec.ofJson("""{ "name": "M", "kind": "mlp", "input": { "features": 4, "bits": 8 }, "layers": [ { "dense": 8, "weights": "Binary" }, { "dense": 2, "weights": "Binary" } ] }""").ResultValue;
        var named = new ModelSpec(new string('m', QnnxLimits.MaxNameChars + 1), spec.Kind, spec.Input, spec.Layers, spec.Activation, spec.ActivationBits,
            spec.QMode, spec.Dropout, spec.ResteO, spec.ResteThreshold, spec.SwishBeta, spec.TernaryThreshold);
        torch.manual_seed(1);
        using var network = Qnn.Spec.build(spec);
        var error = Assert.Throws<ExportException>(() => EngineExporter.Export(network, named));
        Assert.Contains("at most 256", error.Message);
    }

    [Fact]
    public void A_784_2048_2048_10_binary_mlp_exports_at_least_25_times_smaller_than_float32()
    {
        var spec = Qnn.Spec.ofJson("""{ "name": "Big", "kind": "mlp", "input": { "features": 784, "bits": 8 }, "layers": [ { "dense": 2048, "weights": "Binary" }, { "dense": 2048, "weights": "Binary" }, { "dense": 10, "weights": "Binary" } ] }""").ResultValue;
        torch.manual_seed(1);
        using var network = Qnn.Spec.build(spec);
        var floatBytes = network.state_dict().Values.Where(t => t.dtype == torch.ScalarType.Float32).Sum(t => t.numel() * 4);
        using var stream = new MemoryStream();
        QnnxFormat.Write(EngineExporter.Export(network), stream);
        Assert.True(floatBytes >= 25 * stream.Length, $"float32 state dict {floatBytes:N0} bytes, exported {stream.Length:N0} bytes");
    }
}
