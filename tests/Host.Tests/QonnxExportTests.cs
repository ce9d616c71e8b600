using Qnn.Host.Persistence;
using Qnn.Tests.Support;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>`qnn export --format qonnx` from the command line: the graph of a trained model read
/// structurally (<see cref="QonnxStructure"/>); the exporter's own tests are in Export.Tests.</summary>
public class QonnxExportTests
{
    private static string Temp() => Directory.CreateTempSubdirectory("qnn-qonnx-").FullName;

    [SkippableFact]
    public void VertebralMlp_with_the_cli_in_qonnx()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        OnnxTools.RequirePython();
        var folder = Temp();
        var saved = Path.Combine(folder, "model.qnn");
        var onnx = Path.Combine(folder, "model.onnx");
        var train = Cli.Run(data, "train", "--dataset", "vertebral", "--model", "VertebralMlp", "--epochs", "8", "--save", saved);
        Assert.True(train.ExitCode == 0, train.Error);
        var export = Cli.Run(data, "export", "--load", saved, "--format", "qonnx", "--out", onnx);
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Contains("as QONNX (opset 17, IR version 8)", export.Output);
        var (network, _) = SavedModel.Load(saved);
        using (network)
        {
            var model = QonnxStructure.AssertQonnx(onnx, network.Spec, (InputQuantizer)network.Layers.Head.Item2);
            // Three binary weight matrices and two sign activations, the 16-bit input.
            Assert.Equal(5, model.Graph.Node.Count(n => n.OpType == "BipolarQuant"));
            Assert.Equal(1, model.Graph.Node.Count(n => n.OpType == "Quant"));
        }
    }
}
