using System.CommandLine;
using System.Globalization;
using Qnn.Host.Cli;
using Qnn.Host.Catalog;
using Qnn.Host.Persistence;
using Qnn.Host.Reports;
using Qnn.Export.Device;

namespace Qnn.Host.Commands;

/// <summary>`qnn inspect --model NAME|FILE` (or `--load` a saved model): per layer the output shape,
/// parameters, weight bits, memory and MACs by operand precision, then totals — a model summary in
/// bits like Larq's.</summary>
public sealed class InspectCommand(Terminal terminal)
{
    private readonly Option<string?> model = Flag.Text("--model", "NAME|FILE|FILE.qnnx", "A model of the catalog, a spec file (.json) or an exported engine (.qnnx)");
    private readonly Option<string?> load = Flag.Text("--load", "FILE", "A model saved by `qnn train --save`");
    private readonly Option<string> target = Flag.Choice("--target", "Also the flash, RAM and instructions of the model's C on a device, and whether it fits (cortex-m4: a Cortex-M4F core; ch32v003: that part)", "none", "none", "cortex-m4", "ch32v003");

    public Command Definition()
    {
        var command = new Command("inspect", "Layer table of a model: output shape, parameters, weight bits, memory, MACs by precision; totals. For an exported .qnnx file: bytes and operations per layer, and the file against float32.") { model, load, target };
        command.SetAction(Run);
        return command;
    }

    public int Run(ParseResult flags)
    {
        if (flags.GetValue(model) is { } file && file.EndsWith(".qnnx", StringComparison.OrdinalIgnoreCase))
        {
            var engine = PredictCommand.Load(file);
            terminal.Out.WriteLine($"{engine.Name} (exported engine), input {string.Join("×", engine.Input.Shape)} as {string.Join("/", engine.Input.Bits.Distinct())}-bit codes{(engine.Input.AllCodes ? "" : " (widths above 24 bits pass unrounded, as reals)")}");
            WriteEngine(terminal, engine, new FileInfo(file).Length);
            WriteDevice(flags, () => engine, "the exported engine's");
            return ExitCodes.Success;
        }
        ModelSpec spec;
        string name;
        if (flags.GetValue(load) is { } saved)
        {
            var (network, info) = SavedModel.Load(saved);
            using (network)
            {
                (spec, name) = (network.Spec, info.Model);
                Write(terminal, name, spec);
                ProvenanceText.Write(terminal.Out, info.Provenance);
                WriteDevice(flags, () => Export.EngineExporter.Export(network), "the trained model's");
            }
            return ExitCodes.Success;
        }
        else
        {
            var chosen = ModelCatalog.Resolve(flags.GetValue(model) ?? throw new UsageException("qnn inspect: --model NAME|FILE or --load FILE is required"));
            (spec, name) = (chosen.Spec, chosen.Name);
        }
        Write(terminal, name, spec);
        if (DeviceTarget.Named(flags.GetValue(target)!) is { } device)
            Report(device, () => Search.Costs.SpecDeviceCost.Of(spec, device), "an untrained build (training moves flash by a few bytes)");
        return ExitCodes.Success;
    }

    /// <summary>With --target, the device costs of the engine model <paramref name="engine"/> gives.</summary>
    private void WriteDevice(ParseResult flags, Func<Engine.EngineModel> engine, string what)
    {
        if (DeviceTarget.Named(flags.GetValue(target)!) is { } device)
            Report(device, () => DeviceCosts.Of(engine(), device), what);
    }

    private void Report(DeviceTarget device, Func<DeviceCost> cost, string what)
    {
        try
        {
            DeviceCostText.Write(terminal.Out, cost(), device, what);
        }
        catch (Export.ExportException e)
        {
            throw new UsageException($"qnn inspect --target {device.Name}: no C for this model: {e.Message}");
        }
    }

    public static void Write(Terminal terminal, string name, ModelSpec spec)
    {
        var output = terminal.Out;
        var cost = global::Qnn.Spec.cost(spec);
        var input = global::Qnn.Spec.shapes(spec)[0].Shape;
        var downscaled = spec.Input is InputSpec.Image { Item.Downscale: > 1 and var f }
            ? $", downscaled {f}×{f} to {string.Join("×", global::Qnn.Spec.stages(spec)[1].Shape)}"
            : "";
        output.WriteLine($"{name} ({(spec.Kind == ModelKind.Cnn ? "CNN" : "MLP")}), input {string.Join("×", input)}{downscaled}");
        var header = new[] { "layer", "output", "weights", "params", "weight bits", "memory", "MACs bin×bin", "ternary", "integer", "float" };
        var rows = new List<string[]>();
        foreach (var layer in cost.Layers)
        {
            rows.Add(new[]
            {
                layer.Name, string.Join("×", layer.OutputShape), $"{layer.WeightPrecision} × {layer.InputPrecision}", N(layer.Parameters),
                N(layer.WeightBits), Bytes(layer.MemoryBits), N(layer.Macs.BinaryBinary), N(layer.Macs.Ternary), N(layer.Macs.Integer), N(layer.Macs.Float),
            });
        }
        rows.Add(new[]
        {
            "total", "", "", N(cost.Parameters), N(cost.WeightBits), Bytes(cost.MemoryBits),
            N(cost.Macs.BinaryBinary), N(cost.Macs.Ternary), N(cost.Macs.Integer), N(cost.Macs.Float),
        });
        ConsoleTable.Write(terminal, header, rows, leftAligned: 3);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory {Bytes(cost.MemoryBits)} against {Bytes(cost.Float32Bits)} as float32 ({(double)cost.Float32Bits / cost.MemoryBits:F1}× smaller); {N(cost.Macs.Total)} MACs"));
        if (spec.Kind == ModelKind.Cnn)
            output.WriteLine($"flattened features into the head: {Qnn.Spec.flattenedFeatures(spec)}");
    }

    /// <summary>Per-layer bytes and operations of an exported engine model, and its size against float32.</summary>
    public static void WriteEngine(TextWriter output, Engine.EngineModel model, long fileBytes) =>
        WriteEngine(new Terminal(output, output, Interactive: false), model, fileBytes);

    public static void WriteEngine(Terminal terminal, Engine.EngineModel model, long fileBytes)
    {
        var output = terminal.Out;
        var header = new[] { "layer", "kind", "in", "out", "bytes", "XNOR-popcount ops", "other ops", "runs" };
        var rows = new List<string[]>();
        foreach (var layer in model.Layers)
        {
            var description = EngineLayerDescription.Of(layer);
            rows.Add(new[]
            {
                layer.Name, description.Kind, N(layer.InputSize), N(layer.OutputSize), N(layer.ParameterBytes),
                N(layer.BinaryOperations), N(layer.OtherOperations), description.Runs,
            });
        }
        var floatBytes = model.Layers.Sum(l => EngineLayerDescription.Of(l).FloatBytes);
        rows.Add(new[] { "total", "", "", "", N(model.Layers.Sum(l => l.ParameterBytes)), N(model.Layers.Sum(l => l.BinaryOperations)), N(model.Layers.Sum(l => l.OtherOperations)), "" });
        ConsoleTable.Write(terminal, header, rows, leftAligned: 2);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"file {N(fileBytes)} bytes; the same layers as float32 (weights and BatchNorm) take {N(floatBytes)} bytes: {(double)floatBytes / fileBytes:F1}× more"));
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Bytes(long bits)
    {
        var bytes = bits / 8.0;
        return bytes < 1024 ? string.Create(CultureInfo.InvariantCulture, $"{bytes:F0} B")
            : bytes < 1024 * 1024 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024:F1} KiB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024 / 1024:F2} MiB");
    }
}
