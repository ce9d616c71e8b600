using System.Globalization;
using System.Text;
using Qnn.Engine;
using Qnn.Tests.Support;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>The exported C on emulated microcontrollers (the scripts and startup code in
/// targets/, docs/c-export.md): built bare-metal with -Os for a board, run over test samples
/// compiled into the image, linked against a CH32V003's memory map, its instructions counted.</summary>
public static class BareMetal
{
    /// <summary>The emulated boards: a Cortex-M4F (mps2-an386) and an RV32EC core like the CH32V003's.</summary>
    public static readonly string[] Boards = ["cortex-m4", "rv32ec"];

    /// <summary>The compiler and emulator of each board (targets/boards.sh).</summary>
    private static readonly Dictionary<string, string[]> Tools = new()
    {
        ["cortex-m4"] = ["arm-none-eabi-gcc", "qemu-system-arm"],
        ["rv32ec"] = ["riscv64-unknown-elf-gcc", "qemu-system-riscv32"],
    };

    /// <summary>The repository's targets/ folder.</summary>
    public static string Targets
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Dsl.sln")))
                directory = directory.Parent;
            return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("Dsl.sln not found above the test output"), "targets");
        }
    }

    /// <summary>Skips (fails in CI) unless <paramref name="board"/>'s compiler, C library and emulator are installed.</summary>
    public static void Require(string board)
    {
        foreach (var tool in Tools[board])
            CToolchain.Require(tool);
        if (board == "rv32ec" && !File.Exists("/usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs"))
            Prerequisite.Missing("picolibc for RISC-V", "picolibc-riscv64-unknown-elf", ".ci/c-toolchains.sh");
    }

    /// <summary>samples.h for targets/run-samples.c: the engine's input codes of each sample (in
    /// the narrowest unsigned type), and the raw features as float literals where
    /// <paramref name="withFloats"/> (or where the model has no codes).</summary>
    public static string SamplesHeader(EngineModel engine, float[] samples, int count, bool withFloats)
    {
        var size = engine.Input.Size;
        var text = new StringBuilder($"/* samples.h: {count} test samples, written by tests/Host.Tests/BareMetal.cs. */\n#define QNN_SAMPLES {count}\n");
        if (engine.Input.AllCodes)
        {
            var codes = new float[size * count];
            for (var s = 0; s < count; s++)
                engine.Input.Encode(samples.AsSpan(s * size, size), codes.AsSpan(s * size, size));
            var widest = codes.Max();
            var type = widest <= byte.MaxValue ? "uint8_t" : widest <= ushort.MaxValue ? "uint16_t" : "uint32_t";
            text.Append($"#define QNN_SAMPLE_CODES\nstatic const {type} qnn_sample_codes[{count}][{size}] = {{\n");
            Rows(text, codes, size, count, c => ((uint)c).ToString(CultureInfo.InvariantCulture));
        }
        if (withFloats || !engine.Input.AllCodes)
        {
            text.Append($"#define QNN_SAMPLE_FLOATS\nstatic const float qnn_sample_floats[{count}][{size}] = {{\n");
            Rows(text, samples, size, count, v => v.ToString("G9", CultureInfo.InvariantCulture) + (float.IsInteger(v) ? ".0f" : "f"));
        }
        return text.ToString();
    }

    private static void Rows(StringBuilder text, float[] values, int size, int count, Func<float, string> format)
    {
        for (var s = 0; s < count; s++)
            text.Append("    { ").AppendJoin(", ", values.Skip(s * size).Take(size).Select(format)).Append(s + 1 < count ? " },\n" : " }\n");
        text.Append("};\n");
    }

    /// <summary>What a run of targets/run-samples.c printed: per sample the class from the codes
    /// and the class from the features (null where the image has none), and the stack it used.</summary>
    public sealed record SampleRun(int?[] FromCodes, int?[] FromFeatures, int StackBytes);

    /// <summary>Builds run-samples.c with the model in <paramref name="source"/> (net.c, net.h,
    /// samples.h) for <paramref name="board"/>, runs it, and reads what it printed.</summary>
    public static SampleRun RunSamples(string board, string source, int count)
    {
        var program = Path.Combine(source, $"{board}.elf");
        Script("build.sh", source, board, program, $"-I{source}", Path.Combine(source, "net.c"), Path.Combine(Targets, "run-samples.c"));
        var lines = Script("run.sh", source, board, program).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == count + 1 && lines[^1].StartsWith("stack ", StringComparison.Ordinal), $"{board}: {string.Join('\n', lines.TakeLast(5))}");
        static int? Class(string field) => field == "-" ? null : int.Parse(field, CultureInfo.InvariantCulture);
        var fields = lines[..count].Select(line => line.Split(' ')).ToArray();
        return new SampleRun(fields.Select(f => Class(f[0])).ToArray(), fields.Select(f => Class(f[1])).ToArray(),
            int.Parse(lines[^1]["stack ".Length..], CultureInfo.InvariantCulture));
    }

    /// <summary>Links the model with targets/fit-check.c (one prediction from codes, or from
    /// features for a model without codes) against the CH32V003's memory (16 KB flash, 2 KB RAM)
    /// with <paramref name="stackBytes"/> of stack reserved: null when it fits, else the linker's
    /// complaint.</summary>
    public static string? FitsCh32v003(string source, bool codes, int stackBytes)
    {
        var (exit, output) = CToolchain.Try("/bin/sh", source, [Path.Combine(Targets, "build.sh"), "rv32ec", Path.Combine(source, "fit.elf"), "--memory", "ch32v003.ld",
            $"-Wl,--defsym=QNN_STACK={stackBytes}", .. FitProgram(source, codes)]);
        return exit == 0 ? null : output;
    }

    /// <summary>The libgcc routines (soft-float, multiply and divide helpers) that one prediction
    /// links on <paramref name="board"/>: the defined symbols named __* of targets/fit-check.c's program.</summary>
    public static string[] PredictionHelpers(string board, string source, bool codes)
    {
        var program = Path.Combine(source, $"fit-{board}.elf");
        Script("build.sh", source, [board, program, .. FitProgram(source, codes)]);
        return HelperRoutines(board, program);
    }

    private static string[] FitProgram(string source, bool codes) =>
        [$"-I{source}", codes ? "-DQNN_FIT_CODES" : "-DQNN_FIT_FEATURES", Path.Combine(source, "net.c"), Path.Combine(Targets, "fit-check.c")];

    private static string[] HelperRoutines(string board, string program) =>
        CToolchain.Run(board == "rv32ec" ? "riscv64-unknown-elf-nm" : "arm-none-eabi-nm", Path.GetDirectoryName(program)!, "--defined-only", program)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')).Where(f => f.Length == 3 && f[1] is "T" or "t" && f[2].StartsWith("__", StringComparison.Ordinal) && !f[2].StartsWith("__qnn", StringComparison.Ordinal))
            .Select(f => f[2]).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>The model's own flash and RAM as the docs measure them (targets/model-size.sh).</summary>
    public static (long Text, long Rodata, long Data, long Bss) ModelSize(string board, string source)
    {
        var f = Script("model-size.sh", source, board, Path.Combine(source, "net.c")).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return (f[0], f[1], f[2], f[3]);
    }

    /// <summary>Instructions of one prediction, the first sample's (targets/count-instructions.sh
    /// on run-samples.c built with -DQNN_COUNT_ONLY).</summary>
    public static long Instructions(string board, string source)
    {
        var program = Path.Combine(source, $"count-{board}.elf");
        Script("build.sh", source, board, program, "-DQNN_COUNT_ONLY", $"-I{source}", Path.Combine(source, "net.c"), Path.Combine(Targets, "run-samples.c"));
        return long.Parse(Script("count-instructions.sh", source, board, program).Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Instructions of one prediction per function of the model (net_layerK, net_run, …),
    /// each layer kept its own function (targets/profile-functions.sh).</summary>
    public static Dictionary<string, long> Profile(string board, string source)
    {
        var program = Path.Combine(source, $"profile-{board}.elf");
        Script("build.sh", source, board, program, "-DQNN_COUNT_ONLY", "-DQNN_LAYER=__attribute__((noinline))", $"-I{source}", Path.Combine(source, "net.c"), Path.Combine(Targets, "run-samples.c"));
        return Script("profile-functions.sh", source, board, program).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')).ToDictionary(f => f[0], f => long.Parse(f[1], CultureInfo.InvariantCulture));
    }

    private static string Script(string script, string folder, params string[] args) =>
        CToolchain.Run("/bin/sh", folder, [Path.Combine(Targets, script), .. args]);
}
