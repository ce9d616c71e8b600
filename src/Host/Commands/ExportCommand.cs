using System.CommandLine;
using System.Globalization;
using Qnn.Engine;
using Qnn.Host.Cli;
using Qnn.Export;
using Qnn.Host.Persistence;
using Qnn.Host.Reports;

namespace Qnn.Host.Commands;

/// <summary>`qnn export --load MODEL --out FILE.qnnx`: freezes a saved model into the bit-packed
/// integer engine's file (written to a temporary name and renamed).</summary>
public sealed class ExportCommand(Terminal terminal)
{
    private readonly Option<string?> loadFlag = Flag.Text("--load", "MODEL", "A model saved by `qnn train --save`", required: true);
    private readonly Option<string?> outFlag = Flag.Text("--out", "FILE.qnnx", "Where to write the engine's file", required: true);

    public Command Definition()
    {
        var command = new Command("export", "Freeze a model saved by `qnn train --save` into the bit-packed inference engine's format.") { loadFlag, outFlag };
        command.SetAction(Run);
        return command;
    }

    public int Run(ParseResult flags)
    {
        var load = flags.GetValue(loadFlag)!;
        var output = flags.GetValue(outFlag)!;
        OutputPaths.Check(new[] { ("--out", (string?)output) }, new[] { ("--load", (string?)load) });
        var (network, info) = SavedModel.Load(load);
        using var _ = network;
        EngineModel model;
        try
        {
            model = EngineExporter.Export(network, info.ClassNames);
        }
        catch (ExportException e)
        {
            throw new UsageException($"qnn export: {e.Message}");
        }
        // The writer refuses a model its reader would refuse (QnnxLimits): say so before any file exists.
        byte[] bytes;
        try
        {
            using var memory = new MemoryStream();
            QnnxFormat.Write(model, memory);
            bytes = memory.ToArray();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"qnn export: {e.Message}");
        }
        var files = new ResultFiles(terminal.Error);
        output = files.Write("--out", output, temporary => File.WriteAllBytes(temporary, bytes));
        var floatBytes = Qnn.Spec.cost(network.Spec).Float32Bits / 8;
        var size = new FileInfo(output).Length;
        terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exported {model.Name} to {output}: {size:N0} bytes, {(double)floatBytes / size:F1}× smaller than its {floatBytes:N0} bytes of float32 parameters"));
        InspectCommand.WriteEngine(terminal.Out, model, size);
        return files.FellBack ? ExitCodes.ResultElsewhere : ExitCodes.Success;
    }
}
