using System.Globalization;
using Qnn.Engine;
using Qnn.Export;
using Qnn.Export.C;
using Qnn.Export.Device;
using Qnn.Tests.Support;
using TorchSharp;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>The device costs the search records (src/Export/Device) against the tools they stand
/// in for: the models of flash and RAM against the cross compiler and size tool, the instruction
/// model against QEMU's exact counts (targets/count-instructions.sh), on the catalog's models and
/// on specs that stress one kind of layer each (untrained: sizes and counts do not depend on
/// training beyond a few bytes of thresholds). With QNN_DEVICE_CALIBRATION set to a file, each
/// model's operations and measurements are appended to it (how the prices were fitted).</summary>
public sealed class DeviceCostTests
{
    /// <summary>The models the prices were fitted to and are checked on: the catalog's, the example
    /// spec, and specs a search space makes (binary, ternary and n-bit MLPs on images and features,
    /// CNNs with codes and ±1 convolutions, strides, padding, pooling and groups, general
    /// convolutions).</summary>
    public static TheoryData<string> Models() => new(
        "VertebralMlp", "FloatMlp", "TernaryMlp", "NBitsMlp", "MiniMnistCnn", "BinaryLeNet5",
        """{ "name": "ImageMlp", "kind": "mlp", "activation": "Binarize", "input": { "features": 784, "bits": 8 }, "layers": [ { "dense": 64, "weights": "Binary" }, { "dense": 64, "weights": "Binary" }, { "dense": 10, "weights": "Binary" } ] }""",
        """{ "name": "WideBnn", "kind": "mlp", "activation": "Binarize", "input": { "features": 784, "bits": 1 }, "layers": [ { "dense": 256, "weights": "Binary" }, { "dense": 256, "weights": "Binary" }, { "dense": 10, "weights": "Binary" } ] }""",
        """{ "name": "NBitsImageMlp", "kind": "mlp", "activation": "Binarize", "input": { "features": 784, "bits": 4 }, "layers": [ { "dense": 32, "weights": "NBits", "bits": 4 }, { "dense": 32, "weights": "NBits", "bits": 2 }, { "dense": 10, "weights": "NBits", "bits": 8 } ] }""",
        """{ "name": "TernaryImageMlp", "kind": "mlp", "activation": "Binarize", "input": { "features": 196, "bits": 8 }, "layers": [ { "dense": 64, "weights": "Ternary" }, { "dense": 64, "weights": "Ternary" }, { "dense": 10, "weights": "Ternary" } ] }""",
        """{ "name": "SmallCnn", "kind": "cnn", "activation": "Binarize", "input": { "channels": 1, "height": 16, "width": 16, "bits": 4 }, "layers": [ { "conv": 8, "kernel": 3, "padding": 1, "pool": 2, "weights": "Binary" }, { "conv": 16, "kernel": 3, "padding": 1, "pool": 2, "weights": "Binary" }, { "dense": 10, "weights": "Binary" } ] }""",
        """{ "name": "StridedCnn", "kind": "cnn", "activation": "Binarize", "input": { "channels": 1, "height": 28, "width": 28, "bits": 8 }, "layers": [ { "conv": 16, "kernel": 3, "stride": 2, "weights": "Binary" }, { "conv": 32, "kernel": 3, "stride": 2, "weights": "Binary" }, { "dense": 10, "weights": "NBits", "bits": 4 } ] }""",
        """{ "name": "TernaryConvCnn", "kind": "cnn", "activation": "Binarize", "input": { "channels": 1, "height": 16, "width": 16, "bits": 4 }, "layers": [ { "conv": 8, "kernel": 3, "padding": 1, "pool": 2, "weights": "Ternary" }, { "conv": 16, "kernel": 3, "padding": 1, "pool": 2, "weights": "NBits", "bits": 4 }, { "dense": 10, "weights": "Binary" } ] }""",
        """{ "name": "ReluCnn", "kind": "cnn", "activation": "Relu", "input": { "channels": 1, "height": 8, "width": 8, "bits": 8 }, "layers": [ { "conv": 4, "kernel": 3, "padding": 1, "pool": 2, "weights": "None" }, { "dense": 16, "weights": "NBits", "bits": 4 }, { "dense": 10, "weights": "None" } ] }""",
        """{ "name": "GroupedCnn", "kind": "cnn", "activation": "Binarize", "input": { "channels": 1, "height": 16, "width": 16, "bits": 8 }, "layers": [ { "conv": 16, "kernel": 3, "padding": 1, "pool": 2, "weights": "Binary" }, { "conv": 16, "kernel": 3, "padding": 1, "groups": 16, "weights": "Binary" }, { "conv": 32, "kernel": 1, "pool": 2, "weights": "Binary" }, { "dense": 10, "weights": "Binary" } ] }""",
        "examples/mnist-bnn-32x32.json",
        // Two points of the front `qnn search --space examples/spaces/ch32v003-cnn.json --target ch32v003` found (docs/search.md).
        """{ "name": "PartFront1", "kind": "cnn", "activation": "Binarize", "input": { "channels": 1, "height": 28, "width": 28, "bits": 3 }, "layers": [ { "conv": 4, "kernel": 3, "stride": 2, "padding": 1, "pool": 2, "weights": "Binary" }, { "dense": 10, "weights": "NBits", "bits": 4 } ] }""",
        """{ "name": "PartFront79", "kind": "cnn", "activation": "Binarize", "input": { "channels": 1, "height": 28, "width": 28, "bits": 8 }, "layers": [ { "conv": 6, "kernel": 3, "stride": 2, "padding": 1, "weights": "Binary" }, { "conv": 12, "kernel": 3, "padding": 1, "weights": "Binary" }, { "conv": 4, "kernel": 3, "padding": 1, "weights": "Binary" }, { "dense": 10, "weights": "Ternary" } ] }""",
        """{ "name": "HeldOutMlp", "kind": "mlp", "activation": "Binarize", "input": { "features": 6, "bits": 6 }, "layers": [ { "dense": 24, "weights": "Ternary" }, { "dense": 12, "weights": "NBits", "bits": 3 }, { "dense": 3, "weights": "Binary" } ] }""",
        """{ "name": "HeldOutCnn", "kind": "cnn", "activation": "Binarize", "input": { "channels": 1, "height": 28, "width": 28, "bits": 8 }, "layers": [ { "conv": 12, "kernel": 5, "stride": 2, "pool": 2, "weights": "Binary" }, { "conv": 24, "kernel": 3, "padding": 1, "weights": "Binary" }, { "dense": 32, "weights": "Binary" }, { "dense": 10, "weights": "NBits", "bits": 6 } ] }""");

    private static EngineModel Untrained(string model)
    {
        var spec = model.StartsWith('{') ? Qnn.Spec.ofJson(model).ResultValue
            : model.StartsWith("examples/", StringComparison.Ordinal) ? Qnn.Spec.ofJson(File.ReadAllText(Path.Combine(Cli.RepositoryRoot, model))).ResultValue
            : Catalog.ModelCatalog.Resolve(model).Spec;
        torch.manual_seed(1);
        using var network = Qnn.Spec.build(spec);
        return EngineExporter.Export(network);
    }

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void The_flash_and_ram_models_agree_with_the_size_tool(string model)
    {
        var engine = Untrained(model);
        foreach (var target in DeviceTarget.All)
        {
            Skip.IfNot(SizeTool.IsInstalled(target) || Environment.GetEnvironmentVariable("QNN_REQUIRE_DATA") == "1", $"{target.Compiler} is not installed (.ci/c-toolchains.sh)");
            BareMetal.Require(Board(target));
            var measured = DeviceCosts.Of(engine, target, measure: true);
            var modelled = DeviceCosts.Of(engine, target, measure: false);
            Assert.True(measured.Measured && !modelled.Measured);
            // RAM is the plan's arena and codes, exactly what the compiler reserves.
            Assert.Equal(measured.Ram, modelled.Ram);
            Assert.Equal(measured.Instructions, modelled.Instructions);
            var error = Math.Abs(modelled.Flash - measured.Flash) / (double)measured.Flash;
            Assert.True(error <= FlashTolerance, $"{engine.Name} on {target.Name}: flash model {modelled.Flash:N0} B, size tool {measured.Flash:N0} B ({error:P1})");
        }
    }

    /// <summary>The flash model's largest error against the size tool on these models.</summary>
    private const double FlashTolerance = 0.15;

    /// <summary>The instruction model's largest error against QEMU's count on these models.</summary>
    private const double InstructionTolerance = 0.25;

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void The_instruction_model_agrees_with_qemu(string model)
    {
        var engine = Untrained(model);
        var source = Path.Combine(Path.GetTempPath(), "qnn-device-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(source);
        try
        {
            var c = CExporter.Generate(engine, "net");
            File.WriteAllText(Path.Combine(source, "net.h"), c.Header);
            File.WriteAllText(Path.Combine(source, "net.c"), c.Source);
            File.WriteAllText(Path.Combine(source, "samples.h"), BareMetal.SamplesHeader(engine, Sample(engine.Input), 1, withFloats: !engine.Input.AllCodes));
            var calibration = Environment.GetEnvironmentVariable("QNN_DEVICE_CALIBRATION");
            foreach (var target in DeviceTarget.All)
            {
                BareMetal.Require(Board(target));
                var counted = BareMetal.Instructions(Board(target), source);
                var work = Operations.Of(engine);
                var estimate = target.Instructions.Of(work);
                if (calibration is not null)
                {
                    // A line per layer function: its kind and work, and the instructions it ran.
                    File.Copy(Path.Combine(source, "net.c"), $"{calibration}.{engine.Name}.c", overwrite: true);
                    var profile = BareMetal.Profile(Board(target), source);
                    var sections = SizeTool.Measure(c, target);
                    long Ran(string function) => profile.Where(p => p.Key == function || p.Key.StartsWith(function + ".", StringComparison.Ordinal)).Sum(p => p.Value);
                    var lines = work.Select(w => FormattableString.Invariant(
                        $"{engine.Name}\t{target.Name}\t{w.Code}\t{w.Inner}\t{w.Outputs}\t{w.Gathers}\t{Ran($"net_layer{w.Layer}")}\n"));
                    File.AppendAllText(calibration, string.Concat(lines) + FormattableString.Invariant(
                        $"{engine.Name}\t{target.Name}\ttotal\t{counted}\t{profile.Values.Sum()}\t{sections.Text}\t{sections.Rodata}\t{FlashModel.Rodata(c.Source)}\t{string.Join(',', work.Select(w => w.Code))}\n"));
                }
                var error = Math.Abs(estimate - counted) / (double)counted;
                Assert.True(calibration is not null || error <= InstructionTolerance, $"{engine.Name} on {target.Name}: model {estimate:N0} instructions, QEMU {counted:N0} ({error:P1})");
            }
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }

    /// <summary>The emulated board of a target's core (targets/boards.sh).</summary>
    private static string Board(DeviceTarget target) => target == DeviceTarget.Ch32v003 ? "rv32ec" : "cortex-m4";

    /// <summary>A sample spread over the input's range (a fixed pattern, so counts repeat).</summary>
    private static float[] Sample(InputStage input)
    {
        var values = new float[input.Size];
        for (var i = 0; i < values.Length; i++)
        {
            var r = input.Low.Length == 1 ? 0 : i;
            var fraction = (i * 37 % 101) / 100f;
            values[i] = input.Low[r] + fraction * (input.High[r] - input.Low[r]);
        }
        return values;
    }
}
