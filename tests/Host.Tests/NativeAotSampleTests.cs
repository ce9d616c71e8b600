using Qnn.Engine;
using Qnn.Export;
using Qnn.Models;
using TorchSharp;
using Xunit;
using Qnn.Engine.Format;

namespace Qnn.Host.Tests;

/// <summary>The engine as a device program: samples/EnginePredict published with NativeAOT (the
/// engine has IsAotCompatible and the trimming analyzers on, warnings as errors) predicts the
/// vertebral test set exactly as the managed engine does.</summary>
public class NativeAotSampleTests
{
    [SkippableFact]
    public void The_NativeAOT_predictor_gives_the_managed_engines_classes()
    {
        var data = ExportTests.Load("vertebral", Cli.RequireData("vertebral/column_3C.dat"));
        CToolchain.Require("clang");
        var (train, test) = Qnn.Host.Commands.ModelData.Fit(VertebralMlp.Spec, "VertebralMlp", data);
        torch.manual_seed(3);
        using var network = new VertebralMlp();
        Trainer.Fit(network, Trainer.Configure(TrainConfig.Default, epochs: 6), train, test);
        var engine = EngineExporter.Export(network, VertebralMlp.Spec);

        var folder = Directory.CreateTempSubdirectory("qnn-aot-").FullName;
        var modelPath = Path.Combine(folder, "vertebral.qnnx");
        using (var file = File.Create(modelPath))
            QnnxFormat.Write(engine, file);
        var samples = test.Features.contiguous().data<float>().ToArray();
        var size = engine.Input.Size;
        var rows = Enumerable.Range(0, samples.Length / size)
            .Select(s => string.Join(',', samples.Skip(s * size).Take(size).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))))
            .ToArray();
        var csv = Path.Combine(folder, "test.csv");
        File.WriteAllLines(csv, rows);

        // Its own artifacts folder, so the publish shares no obj/ with the suite's build.
        var published = Path.Combine(folder, "published");
        CToolchain.Run("dotnet", Cli.RepositoryRoot, "publish", "samples/EnginePredict", "-c", "Release", "-r", "linux-x64",
            "-p:PublishAot=true", "--artifacts-path", Path.Combine(folder, "artifacts"), "-o", published);
        var predictor = Path.Combine(published, "engine-predict");
        Assert.True(File.Exists(predictor), "no native executable was published");
        Assert.False(File.Exists(Path.Combine(published, "engine-predict.dll")), "the published program is not native");

        var lines = CToolchain.Run(predictor, folder, modelPath, csv).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var workspace = engine.CreateWorkspace();
        var expected = Enumerable.Range(0, rows.Length).Select(s => engine.Predict(samples.AsSpan(s * size, size), workspace).ToString()).ToArray();
        Assert.Equal(rows.Length, lines.Length);
        Assert.Equal(expected, lines);
        Assert.True(expected.Distinct().Count() > 1, "a model predicting one class would not tell the two apart");
    }
}
