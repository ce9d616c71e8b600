using System.CommandLine;
using System.Globalization;
using Qnn.Engine;
using Qnn.Export.C;
using Qnn.Export.Onnx;
using Qnn.Host.Cli;
using Qnn.Host.Data;
using Qnn.Export;
using Qnn.Host.Persistence;
using Qnn.Host.Reports;
using Qnn.Engine.Format;

namespace Qnn.Host.Commands;

/// <summary>`qnn export --load MODEL --out FILE.qnnx`: freezes a saved model into the bit-packed
/// integer engine's file (written to a temporary name and renamed); `--format c --out DIR` writes
/// the frozen network as C99 instead (DIR/NAME.h and DIR/NAME.c), from a saved model or an
/// engine file; `--format onnx --out FILE.onnx` writes a saved model as an ONNX graph (`qonnx`:
/// with QONNX's quantizer operators).</summary>
public sealed class ExportCommand(Terminal terminal)
{
    private readonly Option<string?> loadFlag = Flag.Text("--load", "FILE", "A model saved by `qnn train --save`, or (with --format c) an engine file from `qnn export`", required: true);
    private readonly Option<string?> outFlag = Flag.Text("--out", "PATH", "Where to write: the engine's file (qnnx), a folder for NAME.h and NAME.c (c), or the ONNX file (onnx, qonnx)", required: true);
    private readonly Option<string> formatFlag = Flag.Choice("--format", "qnnx: the engine's file; c: C99 source for microcontrollers; onnx: an ONNX graph (opset 17) for other runtimes; qonnx: the same with QONNX's Quant/BipolarQuant (FINN)", "qnnx", "qnnx", "c", "onnx", "qonnx");
    private readonly Option<string?> prefixFlag = Flag.Text("--prefix", "NAME", "With --format c: the C name of the files and functions (default: the model's name in snake_case)");

    public Command Definition()
    {
        var command = new Command("export", "Freeze a model saved by `qnn train --save` into the bit-packed inference engine's format, into C99 source, or into ONNX.") { loadFlag, outFlag, formatFlag, prefixFlag };
        command.SetAction(Run);
        return command;
    }

    public int Run(ParseResult flags)
    {
        var load = flags.GetValue(loadFlag)!;
        var output = flags.GetValue(outFlag)!;
        var prefix = flags.GetValue(prefixFlag);
        if (flags.GetValue(formatFlag) == "c")
            return RunC(load, output, prefix);
        if (prefix is not null)
            throw new UsageException("qnn export: --prefix names C source; it needs --format c");
        if (flags.GetValue(formatFlag) is "onnx" or "qonnx")
            return RunOnnx(load, output, flags.GetValue(formatFlag) == "qonnx" ? OnnxDialect.Qonnx : OnnxDialect.Standard);
        OutputPaths.Check(new[] { ("--out", (string?)output) }, new[] { ("--load", (string?)load) });
        var (network, info) = SavedModel.Load(load);
        using var _ = network;
        var model = Freeze(network, info.ClassNames);
        // The writer refuses a model its reader would refuse (QnnxLimits): say so before any file exists.
        var bytes = EngineBytes(model);
        var files = new ResultFiles(terminal.Error);
        output = files.Write("--out", output, temporary => File.WriteAllBytes(temporary, bytes));
        var floatBytes = Qnn.Spec.cost(network.Spec).Float32Bits / 8;
        var size = new FileInfo(output).Length;
        terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exported {model.Name} to {output}: {size:N0} bytes, {(double)floatBytes / size:F1}× smaller than its {floatBytes:N0} bytes of float32 parameters"));
        InspectCommand.WriteEngine(terminal.Out, model, size);
        return files.FellBack ? ExitCodes.ResultElsewhere : ExitCodes.Success;
    }

    /// <summary>`--format c`: the model (a saved model, or an engine file told apart by its magic)
    /// as DIR/NAME.h and DIR/NAME.c.</summary>
    private int RunC(string load, string folder, string? prefix)
    {
        if (File.Exists(folder))
            throw new UsageException($"--out {folder}: is a file; with --format c give a folder for NAME.h and NAME.c");
        if (prefix is not null && !CIdentifier.IsValid(prefix))
            throw new UsageException($"--prefix {prefix}: not a valid C identifier (letters, digits and _, not starting with a digit or _, no C keyword, at most 63 characters)");
        var model = LoadAny(load);
        CSource source;
        try
        {
            source = CExporter.Generate(model, prefix);
        }
        catch (ExportException e)
        {
            throw new UsageException($"qnn export: {e.Message}");
        }
        var header = Path.Combine(folder, source.Prefix + ".h");
        var code = Path.Combine(folder, source.Prefix + ".c");
        OutputPaths.Check(new[] { ("--out", (string?)header), ("--out", (string?)code) }, new[] { ("--load", (string?)load) });
        var files = new ResultFiles(terminal.Error);
        header = files.Write("--out", header, temporary => File.WriteAllText(temporary, source.Header));
        code = files.Write("--out", code, temporary => File.WriteAllText(temporary, source.Source));
        terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exported {model.Name} as C to {header} and {code}: {source.Prefix}_predict, {model.Input.Size} inputs, {model.Classes} classes, {source.ScratchBytes:N0} bytes of scratch"));
        return files.FellBack ? ExitCodes.ResultElsewhere : ExitCodes.Success;
    }

    /// <summary>`--format onnx`: a saved model (not an engine file, which has lost the float
    /// BatchNorm and scales the ONNX graph carries) as one .onnx file, written atomically.</summary>
    private int RunOnnx(string load, string output, OnnxDialect dialect)
    {
        OutputPaths.Check(new[] { ("--out", (string?)output) }, new[] { ("--load", (string?)load) });
        if (!File.Exists(load))
            throw new DataException($"{load}: no such file");
        if (IsEngineFile(load))
            throw new UsageException($"--load {load}: is an engine file (.qnnx); --format {(dialect == OnnxDialect.Qonnx ? "qonnx" : "onnx")} takes a model saved by `qnn train --save` (.qnn)");
        var (network, info) = SavedModel.Load(load);
        using var _ = network;
        byte[] bytes;
        Qnn.Export.Onnx.Proto.ModelProto model;
        try
        {
            model = OnnxExporter.Export(network, info.ClassNames, dialect);
            bytes = OnnxExporter.Bytes(model);
        }
        catch (ExportException e)
        {
            throw new UsageException($"qnn export: {e.Message}");
        }
        var files = new ResultFiles(terminal.Error);
        output = files.Write("--out", output, temporary => File.WriteAllBytes(temporary, bytes));
        terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exported {network.Spec.Name} as {(dialect == OnnxDialect.Qonnx ? "QONNX" : "ONNX")} (opset {OnnxExporter.Opset}, IR version {OnnxExporter.IrVersion}) to {output}: {bytes.Length:N0} bytes, {model.Graph.Node.Count} nodes, input '{OnnxExporter.InputName}' [batch, {string.Join(", ", Qnn.Spec.stages(network.Spec)[0].Shape)}], output '{OnnxExporter.OutputName}' [batch, {Qnn.Spec.stages(network.Spec)[^1].Shape[0]}]"));
        return files.FellBack ? ExitCodes.ResultElsewhere : ExitCodes.Success;
    }

    private static bool IsEngineFile(string path)
    {
        var magic = new byte[4];
        try
        {
            using var stream = File.OpenRead(path);
            stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"--load {path}: cannot be read ({e.Message})", e);
        }
        return magic.AsSpan().SequenceEqual("QNNX"u8);
    }

    /// <summary>An engine file (it starts with QNNX) as it is; a saved model frozen and checked as
    /// `--format qnnx` would write it.</summary>
    private static EngineModel LoadAny(string path)
    {
        InputFile.Check("--load", path, long.MaxValue);
        if (IsEngineFile(path))
            return PredictCommand.Load(path, "--load");
        var (network, info) = SavedModel.Load(path);
        using var _ = network;
        var model = Freeze(network, info.ClassNames);
        EngineBytes(model);
        return model;
    }

    private static EngineModel Freeze(QuantizedNetwork network, IReadOnlyList<string>? classNames)
    {
        try
        {
            return EngineExporter.Export(network, classNames);
        }
        catch (ExportException e)
        {
            throw new UsageException($"qnn export: {e.Message}");
        }
    }

    private static byte[] EngineBytes(EngineModel model)
    {
        try
        {
            using var memory = new MemoryStream();
            QnnxFormat.Write(model, memory);
            return memory.ToArray();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"qnn export: {e.Message}");
        }
    }
}
