using System.Globalization;
using Qnn.Host.Cli;
using Qnn.Host.Models;
using Qnn.Host.Persistence;

namespace Qnn.Host.Commands;

/// <summary>`qnn inspect --model NAME|FILE` (or `--load` a saved model): per layer the output shape,
/// parameters, weight bits, memory and MACs by operand precision, then totals — a model summary in
/// bits like Larq's.</summary>
public sealed class InspectCommand(Terminal terminal)
{
    public static readonly IReadOnlyDictionary<string, bool> Flags = new Dictionary<string, bool> { ["model"] = true, ["load"] = true };

    public const string Usage = """
        qnn inspect --model NAME|FILE | --load FILE
          Layer table: output shape, parameters, weight bits, memory, MACs by precision; totals.
        """;

    public int Run(IReadOnlyList<string> args)
    {
        var flags = CommandLine.Parse("inspect", args, Flags);
        ModelSpec spec;
        string name;
        if (flags.String("load") is { } saved)
        {
            var (network, info) = SavedModel.Load(saved);
            (spec, name) = (network.Spec, info.Model);
            network.Dispose();
        }
        else
        {
            var model = ModelCatalog.Resolve(flags.String("model") ?? throw new UsageException("qnn inspect: --model NAME|FILE or --load FILE is required"));
            (spec, name) = (model.Spec, model.Name);
        }
        Write(terminal.Out, name, spec);
        return ExitCodes.Success;
    }

    public static void Write(TextWriter output, string name, ModelSpec spec)
    {
        var cost = global::Qnn.Spec.cost(spec);
        var input = global::Qnn.Spec.shapes(spec)[0].Shape;
        output.WriteLine($"{name} ({(spec.Kind == ModelKind.Cnn ? "CNN" : "MLP")}), input {string.Join("×", input)}");
        var header = new[] { "layer", "output", "weights", "params", "weight bits", "memory", "MACs bin×bin", "ternary", "integer", "float" };
        var rows = new List<string[]> { header };
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
        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
            output.WriteLine(string.Join("  ", row.Select((cell, c) => c < 3 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory {Bytes(cost.MemoryBits)} against {Bytes(cost.Float32Bits)} as float32 ({(double)cost.Float32Bits / cost.MemoryBits:F1}× smaller); {N(cost.Macs.Total)} MACs"));
        if (spec.Kind == ModelKind.Cnn)
            output.WriteLine($"flattened features into the head: {Qnn.Spec.flattenedFeatures(spec)}");
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
