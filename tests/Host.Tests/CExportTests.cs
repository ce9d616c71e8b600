using System.Globalization;
using Qnn.Engine;
using Qnn.Export.C;
using Qnn.Host.Data;
using Qnn.Host.Persistence;
using Xunit;
using Qnn.Engine.Format;
using Qnn.Tests.Support;

namespace Qnn.Host.Tests;

/// <summary>`qnn export --format c`: the generated C, compiled with gcc (warnings as errors) and run
/// on every test sample, gives the engine's classes and logits; cross-compiled for 32-bit ARM with
/// the table popcount and run under qemu-arm, the same classes; built for a Cortex-M4, its sizes.</summary>
public class CExportTests
{
    private const string Flags = "-std=c99 -Wall -Wextra -Werror -pedantic";

    private static string Temp() => Directory.CreateTempSubdirectory("qnn-cexport-").FullName;

    private static LoadedData Load(string dataSet, string? dataDir) =>
        new DataSets(new DataOptions(Offline: true),
            new DataLocator(dataDir, new Dictionary<string, string?> { ["HOME"] = Path.GetTempPath() }),
            () => throw new InvalidOperationException("no downloads in tests")).Load(dataSet);

    /// <summary>A main that reads samples (int32 count, int32 size, floats) and prints, per sample,
    /// the class from the floats, the class from the codes (or, for a model with unrounded inputs,
    /// from the encoded values through the reentrant NAME_forward), and the logits.</summary>
    private static string Harness(string prefix, bool codes)
    {
        var upper = prefix.ToUpperInvariant();
        var second = codes
            ? $"{prefix}_encode(sample, codes);\n            second = {prefix}_predict_codes(codes);"
            : $"{prefix}_encode(sample, values);\n            {prefix}_forward(values, own, scratch);\n            for (j = 1; j < {upper}_CLASSES; j++)\n                if (own[j] > own[second])\n                    second = j;";
        return $$"""
            #include <stdio.h>
            #include <stdlib.h>
            #include "{{prefix}}.h"

            int main(int argc, char **argv)
            {
                FILE *file = fopen(argv[1], "rb");
                int32_t head[2];
                static float sample[{{upper}}_INPUTS];
                static {{(codes ? prefix + "_code_t" : "uint32_t")}} codes[{{upper}}_INPUTS];
                static float values[{{upper}}_INPUTS];
                static uint32_t scratch[{{upper}}_SCRATCH_BYTES / 4];
                float logits[{{upper}}_CLASSES], own[{{upper}}_CLASSES];
                int32_t s;
                int j;
                (void)argc;
                (void)codes;
                (void)values;
                (void)scratch;
                (void)own;
                if (file == NULL || fread(head, sizeof head, 1, file) != 1 || head[1] != {{upper}}_INPUTS)
                    return 2;
                for (s = 0; s < head[0]; s++) {
                    int second = 0;
                    if (fread(sample, sizeof sample, 1, file) != 1)
                        return 3;
                    {{second}}
                    {{prefix}}_logits(sample, logits);
                    printf("%d %d", {{prefix}}_predict(sample), second);
                    for (j = 0; j < {{upper}}_CLASSES; j++)
                        printf(" %.9g", (double)logits[j]);
                    printf("\n");
                }
                fclose(file);
                return 0;
            }

            """;
    }

    /// <summary>Trains with the CLI, exports to the engine and to C (from the .qnnx, or the .qnn),
    /// and compares the C program's output with the engine on every test sample.</summary>
    private static void AssertCMatchesEngine(string? dataDir, string dataSet, bool viaEngineFile, bool onArm, params string[] trainFlags) =>
        AssertCMatchesEngine(dataDir, dataSet, viaEngineFile, onArm, null, trainFlags);

    /// <summary>As above; with <paramref name="bareMetal"/>, also on both emulated microcontrollers
    /// (<see cref="AssertOnBoards"/>), where the model must fit a CH32V003 or must not.</summary>
    private static void AssertCMatchesEngine(string? dataDir, string dataSet, bool viaEngineFile, bool onArm, Fit? bareMetal, params string[] trainFlags)
    {
        CToolchain.Require("gcc");
        if (onArm)
            (_, _) = (CToolchain.RequireArmGcc(), CToolchain.Require("qemu-arm"));
        var folder = Temp();
        var saved = Path.Combine(folder, "model.qnn");
        var engineFile = Path.Combine(folder, "model.qnnx");
        var train = Cli.Run(dataDir, new[] { "train", "--dataset", dataSet, "--save", saved }.Concat(trainFlags).ToArray());
        Assert.True(train.ExitCode == 0, train.Error);
        var export = Cli.Run(dataDir, "export", "--load", saved, "--out", engineFile);
        Assert.True(export.ExitCode == 0, export.Error);
        var source = Path.Combine(folder, "c");
        var c = Cli.Run(dataDir, "export", "--load", viaEngineFile ? engineFile : saved, "--format", "c", "--out", source, "--prefix", "net");
        Assert.True(c.ExitCode == 0, c.Error);
        Assert.Contains("net.h", c.Output);

        EngineModel engine;
        using (var stream = File.OpenRead(engineFile))
            engine = QnnxFormat.Read(stream);
        var (network, _) = SavedModel.Load(saved);
        float[] samples;
        using (network)
        {
            var (_, test) = Qnn.Host.Commands.ModelData.Fit(network.Spec, network.Spec.Name, Load(dataSet, dataDir));
            samples = test.Features.contiguous().data<float>().ToArray();
        }
        AssertSourceMatchesEngine(engine, source, samples, onArm, bareMetal);
    }

    /// <summary>The exported C in <paramref name="source"/> (prefix net), compiled natively (and
    /// for 32-bit ARM, the Cortex-M4 and, with <paramref name="bareMetal"/>, both boards), gives
    /// the engine's classes and logits on every sample.</summary>
    private static void AssertSourceMatchesEngine(EngineModel engine, string source, float[] samples, bool onArm, Fit? bareMetal)
    {
        var gcc = CToolchain.Require("gcc");
        var (armGcc, qemu) = onArm ? (CToolchain.RequireArmGcc(), CToolchain.Require("qemu-arm")) : ("", "");
        var size = engine.Input.Size;
        var count = samples.Length / size;
        var input = Path.Combine(source, "samples.bin");
        using (var writer = new BinaryWriter(File.Create(input)))
        {
            writer.Write(count);
            writer.Write(size);
            foreach (var value in samples)
                writer.Write(value);
        }
        File.WriteAllText(Path.Combine(source, "main.c"), Harness("net", engine.Input.AllCodes));
        CToolchain.Run(gcc, source, [.. Flags.Split(' '), "-O2", "-o", "native", "main.c", "net.c"]);
        var lines = Lines(CToolchain.Run(Path.Combine(source, "native"), source, input), count);
        var workspace = engine.CreateWorkspace();
        var classes = new int[count];
        for (var s = 0; s < count; s++)
        {
            classes[s] = engine.Predict(samples.AsSpan(s * size, size), workspace);
            var logits = engine.Logits(samples.AsSpan(s * size, size), workspace).ToArray();
            var expected = engine.Predict(samples.AsSpan(s * size, size), workspace);
            var fields = lines[s].Split(' ');
            Assert.True(fields[0] == $"{expected}" && fields[1] == $"{expected}", $"sample {s}: C {fields[0]} (codes {fields[1]}), engine {expected}");
            for (var j = 0; j < logits.Length; j++)
            {
                var value = float.Parse(fields[2 + j], CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(value - logits[j]) <= 1e-4 * Math.Max(1, Math.Abs(logits[j])), $"sample {s}, logit {j}: C {value}, engine {logits[j]}");
            }
        }
        if (bareMetal is { } fit)
            AssertOnBoards(engine, source, samples, classes, fit);
        if (!onArm)
            return;
        // 32-bit ARM, the popcount table, under emulation: the same classes.
        CToolchain.Run(armGcc, source, [.. Flags.Split(' '), "-O2", "-static", "-DQNN_TABLE_POPCOUNT", "-o", "arm", "main.c", "net.c"]);
        var arm = Lines(CToolchain.Run(qemu, source, Path.Combine(source, "arm"), input), count);
        for (var s = 0; s < count; s++)
            Assert.True(arm[s].Split(' ')[..2].SequenceEqual(lines[s].Split(' ')[..2]), $"sample {s}: ARM {arm[s]}, x86-64 {lines[s]}");
        // A Cortex-M4 build: warnings-free, nothing mutable but the scratch (exactly
        // NET_SCRATCH_BYTES) and, for the float entry points, the codes buffer.
        var (m4Gcc, m4Size) = (CToolchain.Require("arm-none-eabi-gcc"), CToolchain.Require("arm-none-eabi-size"));
        CToolchain.Run(m4Gcc, source, [.. Flags.Split(' '), "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-Os", "-fdata-sections", "-c", "-o", "m4.o", "net.c"]);
        var sections = CToolchain.Run(m4Size, source, "-A", "m4.o").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length >= 2 && f[0].StartsWith('.'))
            .ToDictionary(f => f[0], f => long.Parse(f[1], CultureInfo.InvariantCulture));
        var scratch = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(source, "net.h")), @"NET_SCRATCH_BYTES (\d+)L").Groups[1].Value;
        Assert.Equal(long.Parse(scratch, CultureInfo.InvariantCulture), sections[".bss.net_scratch"]);
        if (engine.Input.AllCodes)
            Assert.Equal(engine.Input.Size * CodeBytes(engine.Input), sections[".bss.net_codes"]);
        var mutable = sections.Keys.Where(k => k.StartsWith(".bss", StringComparison.Ordinal) && sections[k] > 0).Order();
        string[] expectedMutable = engine.Input.AllCodes ? [".bss.net_codes", ".bss.net_scratch"] : [".bss.net_scratch"];
        Assert.True(mutable.SequenceEqual(expectedMutable), string.Join(", ", sections));
        Assert.Equal(0, sections.Where(p => p.Key.StartsWith(".data", StringComparison.Ordinal)).Sum(p => p.Value));
        Assert.True(sections.Where(p => p.Key.StartsWith(".rodata", StringComparison.Ordinal)).Sum(p => p.Value) > 0 && sections[".text"] > 0, string.Join(", ", sections));
    }

    /// <summary>Bytes of one NAME_code_t: the narrowest unsigned type that holds every feature's largest code.</summary>
    private static long CodeBytes(InputStage input)
    {
        var widest = Enumerable.Range(0, input.Low.Length).Max(r => (double)input.LevelsOf(r));
        return widest <= byte.MaxValue ? 1 : widest <= ushort.MaxValue ? 2 : 4;
    }

    /// <summary>Whether a model must fit a CH32V003 (16 KB flash, 2 KB RAM, stack included), must
    /// not, or is only measured.</summary>
    public enum Fit { Fits, DoesNotFit, Measured }

    /// <summary>The C built bare-metal (-Os) for the Cortex-M4F and the RV32EC boards and run there
    /// over every test sample: the engine's class from the codes and, where the image holds the
    /// features (small inputs), from the features. Then the RV32EC link against a CH32V003's memory
    /// with the stack the run measured. With QNN_DEVICE_FIGURES set (bench/device-figures.sh), each
    /// board's sizes, stack, linked helper routines and instructions per prediction are appended to
    /// that file.</summary>
    private static void AssertOnBoards(EngineModel engine, string source, float[] samples, int[] classes, Fit fit)
    {
        var count = classes.Length;
        var withFloats = (long)samples.Length * 4 <= 64 * 1024;
        File.WriteAllText(Path.Combine(source, "samples.h"), BareMetal.SamplesHeader(engine, samples, count, withFloats));
        var figures = Environment.GetEnvironmentVariable("QNN_DEVICE_FIGURES");
        foreach (var board in BareMetal.Boards)
        {
            BareMetal.Require(board);
            var run = BareMetal.RunSamples(board, source, count);
            for (var s = 0; s < count; s++)
            {
                Assert.True(run.FromCodes[s] is null || run.FromCodes[s] == classes[s], $"{board}, sample {s}: codes give {run.FromCodes[s]}, the engine {classes[s]}");
                Assert.True(run.FromFeatures[s] is null || run.FromFeatures[s] == classes[s], $"{board}, sample {s}: features give {run.FromFeatures[s]}, the engine {classes[s]}");
            }
            Assert.Equal(engine.Input.AllCodes, run.FromCodes.All(c => c is not null));
            Assert.True(run.StackBytes > 0 && run.StackBytes < 64 * 1024, $"{board}: stack {run.StackBytes}");
            string? overflow = null;
            if (board == "rv32ec")
            {
                overflow = BareMetal.FitsCh32v003(source, engine.Input.AllCodes, run.StackBytes);
                if (fit == Fit.Fits)
                    Assert.True(overflow is null, $"{engine.Name} should fit a CH32V003: {overflow}");
                if (fit == Fit.DoesNotFit)
                    Assert.True(overflow is not null && overflow.Contains("overflowed", StringComparison.Ordinal), $"{engine.Name} should not fit a CH32V003: {overflow}");
            }
            if (figures is null)
                continue;
            var (text, rodata, data, bss) = BareMetal.ModelSize(board, source);
            var helpers = string.Join(' ', BareMetal.PredictionHelpers(board, source, engine.Input.AllCodes));
            var fits = board != "rv32ec" ? "" : overflow is null ? "fits" : string.Join(", ",
                System.Text.RegularExpressions.Regex.Matches(overflow, @"region `(\w+)' overflowed by (\d+) bytes").Select(m => $"{m.Groups[1].Value} +{m.Groups[2].Value} B"));
            File.AppendAllText(figures, $"{engine.Name}\t{board}\t{text}\t{rodata}\t{data}\t{bss}\t{run.StackBytes}\t{BareMetal.Instructions(board, source)}\t{helpers}\t{fits}\n");
        }
    }

    private static string[] Lines(string output, int count)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(count, lines.Length);
        return lines;
    }

    [SkippableFact]
    public void VertebralMlp_in_C_on_x86_64_and_arm()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        AssertCMatchesEngine(data, "vertebral", viaEngineFile: false, onArm: true, Fit.Fits, "--model", "VertebralMlp", "--epochs", "8");
    }

    [SkippableFact]
    public void MiniMnistCnn_in_C_on_x86_64_and_arm()
    {
        var data = Cli.RequireData("mnist/train-images-idx3-ubyte.gz");
        AssertCMatchesEngine(data, "mini-mnist", viaEngineFile: true, onArm: true, Fit.DoesNotFit, "--model", "MiniMnistCnn", "--epochs", "1", "--batch-size", "128");
    }

    [SkippableFact]
    public void BinaryLeNet5_in_C_on_mini_fashion_mnist()
    {
        Prerequisite.FashionMnist();
        AssertCMatchesEngine(null, "mini-fashion-mnist", viaEngineFile: false, onArm: false, Fit.Measured, "--model", "BinaryLeNet5", "--epochs", "1", "--batch-size", "128");
    }

    [SkippableTheory]
    [InlineData("""{ "dense": 32, "weights": "Ternary" }, { "dense": 32, "weights": "Ternary" }, { "dense": 3, "weights": "Ternary" }""", "\"bits\": 8")]
    [InlineData("""{ "dense": 32, "weights": "NBits", "bits": 4 }, { "dense": 32, "weights": "NBits", "bits": 2 }, { "dense": 3, "weights": "NBits", "bits": 8 }""", "\"bits\": 8")]
    // Mixed input widths (multipliers other than 1) into ternary, n-bit and scaled layers.
    [InlineData("""{ "dense": 32, "weights": "Ternary" }, { "dense": 32, "weights": "NBits", "bits": 3 }, { "dense": 3, "weights": "Binary", "scaled": true }""", "\"featureBits\": [8, 8, 8, 8, 16, 16]")]
    [InlineData("""{ "dense": 32, "weights": "NBits", "bits": 5 }, { "dense": 32, "weights": "Ternary" }, { "dense": 3, "weights": "NBits", "bits": 4 }""", "\"featureBits\": [8, 4, 8, 4, 12, 12]")]
    public void Ternary_and_n_bit_mlps_in_C(string layers, string input)
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var spec = Path.Combine(Temp(), "weights.json");
        File.WriteAllText(spec, $$"""{ "name": "WeightsMlp", "kind": "mlp", "activation": "Binarize", "input": { "features": 6, {{input}} }, "layers": [ {{layers}} ] }""");
        AssertCMatchesEngine(data, "vertebral", viaEngineFile: true, onArm: false, "--model", spec, "--epochs", "8");
    }

    /// <summary>The catalog's ternary, n-bit and float MLPs (levels outputs, activated ReLU outputs,
    /// general dense layers on integer and real sums, unrounded 32-bit inputs), also on 32-bit ARM.</summary>
    [SkippableTheory]
    [InlineData("TernaryMlp")]
    [InlineData("NBitsMlp")]
    [InlineData("FloatMlp")]
    public void Catalog_ternary_n_bit_and_float_mlps_in_C_on_x86_64_and_arm(string model)
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        AssertCMatchesEngine(data, "vertebral", viaEngineFile: false, onArm: true, Fit.Fits, "--model", model, "--epochs", "3");
    }

    [SkippableTheory]
    // Wide weights (12 and 31 bits), 12-bit DoReFa (float activated), ternary activated, unrounded 32-bit inputs.
    [InlineData("NBits", "\"activationBits\": 12,", """{ "dense": 32, "weights": "NBits", "bits": 12 }, { "dense": 32, "weights": "NBits", "bits": 31, "activation": "Ternarize" }, { "dense": 3, "weights": "NBits", "bits": 16 }""", "\"bits\": 32")]
    // 3-bit DoReFa codes (7 thresholds) into ternary, binary and n-bit layers; per-feature widths.
    [InlineData("NBits", "\"activationBits\": 3,", """{ "dense": 32, "weights": "Ternary" }, { "dense": 32, "weights": "Binary" }, { "dense": 3, "weights": "NBits", "bits": 6 }""", "\"featureBits\": [8, 8, 8, 8, 16, 16]")]
    // 4- and 8-bit DoReFa codes as integer requantization into n-bit and binary layers.
    [InlineData("NBits", "\"activationBits\": 4,", """{ "dense": 32, "weights": "NBits", "bits": 4 }, { "dense": 32, "weights": "Binary", "activationBits": 8 }, { "dense": 3, "weights": "NBits", "bits": 4 }""", "\"bits\": 8")]
    // ReLU and identity hidden layers: real values into integer weights; a float first layer.
    [InlineData("Binarize", "", """{ "dense": 32, "activation": "Relu" }, { "dense": 32, "weights": "Binary", "activation": "None" }, { "dense": 32, "weights": "Ternary" }, { "dense": 3, "weights": "Binary", "scaled": true }""", "\"bits\": 12")]
    public void Mlps_with_levels_and_activated_outputs_in_C(string activation, string extra, string layers, string input)
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var spec = Path.Combine(Temp(), "spec.json");
        File.WriteAllText(spec, $$"""{ "name": "CoverageMlp", "kind": "mlp", "activation": "{{activation}}", {{extra}} "input": { "features": 6, {{input}} }, "layers": [ {{layers}} ] }""");
        AssertCMatchesEngine(data, "vertebral", viaEngineFile: true, onArm: false, "--model", spec, "--epochs", "3");
    }

    [SkippableTheory]
    [InlineData("codes")]
    [InlineData("signs and reals")]
    public void Average_pooling_of_codes_signs_levels_and_reals_in_C(string model)
    {
        // Hand-built (the DSL declares average pooling only as the input's downscale, over codes): exported from the .qnnx.
        var engine = model == "codes" ? PooledEngineModels.Codes() : PooledEngineModels.SignsAndReals();
        var folder = Temp();
        var engineFile = Path.Combine(folder, "model.qnnx");
        using (var file = File.Create(engineFile))
            QnnxFormat.Write(engine, file);
        var source = Path.Combine(folder, "c");
        var c = Cli.Run(null, "export", "--load", engineFile, "--format", "c", "--out", source, "--prefix", "net");
        Assert.True(c.ExitCode == 0, c.Error);
        var random = new Random(8);
        var samples = Enumerable.Range(0, 200 * engine.Input.Size).Select(_ => (float)random.NextDouble()).ToArray();
        AssertSourceMatchesEngine(engine, source, samples, onArm: true, Fit.Measured);
    }

    [SkippableTheory]
    // Ternary convolution into ternary levels and value pooling; a grouped, dilated 4-bit
    // convolution with 2-bit DoReFa codes; a binary head. Also on 32-bit ARM.
    [InlineData(true, """{ "conv": 8, "kernel": 3, "weights": "Ternary", "activation": "Ternarize", "pool": 2 }, { "conv": 8, "kernel": 3, "padding": 2, "dilation": 2, "groups": 2, "weights": "NBits", "bits": 4, "activation": "NBits", "activationBits": 2, "pool": 2 }, { "dense": 10, "weights": "Binary" }""")]
    // A 4-bit convolution with 8-bit codes (requantized), a depthwise one with 4-bit codes, a 4-bit head. Also on 32-bit ARM.
    [InlineData(true, """{ "conv": 8, "kernel": 3, "weights": "NBits", "bits": 4, "activation": "NBits", "activationBits": 8, "pool": 2 }, { "conv": 8, "kernel": 3, "groups": 8, "weights": "NBits", "bits": 4, "activation": "NBits", "activationBits": 4, "pool": 2 }, { "dense": 10, "weights": "NBits", "bits": 4 }""")]
    // Scaled-binary convolution with ReLU; a float grouped convolution with sign; a 12-bit head.
    [InlineData(false, """{ "conv": 8, "kernel": 3, "weights": "Binary", "scaled": true, "activation": "Relu", "pool": 2 }, { "conv": 8, "kernel": 3, "groups": 4, "activation": "Binarize", "pool": 2 }, { "dense": 10, "weights": "NBits", "bits": 12 }""")]
    // A float strided first convolution, then binary ones.
    [InlineData(false, """{ "conv": 6, "kernel": 5, "stride": 2 }, { "conv": 8, "kernel": 3, "weights": "Binary" }, { "dense": 10, "weights": "Binary" }""")]
    // The input downscaled 2 × 2 (window sums of the codes) into 4-bit and binary convolutions.
    [InlineData(false, """{ "conv": 8, "kernel": 3, "weights": "NBits", "bits": 4, "activation": "NBits", "activationBits": 4, "pool": 2 }, { "conv": 8, "kernel": 3, "weights": "Binary", "pool": 2 }, { "dense": 10, "weights": "NBits", "bits": 4 }""", ", \"downscale\": 2")]
    public void Cnns_with_ternary_n_bit_float_grouped_and_dilated_convolutions_in_C(bool onArm, string layers, string input = "")
    {
        var data = Cli.RequireData("mnist/train-images-idx3-ubyte.gz");
        var spec = Path.Combine(Temp(), "cnn.json");
        File.WriteAllText(spec, $$"""{ "name": "CoverageCnn", "kind": "cnn", "activation": "Binarize", "input": { "channels": 1, "height": 28, "width": 28, "bits": 8{{input}} }, "layers": [ {{layers}} ] }""");
        AssertCMatchesEngine(data, "mini-mnist", viaEngineFile: true, onArm, "--model", spec, "--epochs", "1", "--batch-size", "128");
    }

    [Theory]
    [InlineData("--format", "c", "--prefix", "2fast", "not a valid C identifier")]
    [InlineData("--format", "c", "--prefix", "int", "not a valid C identifier")]
    [InlineData("--format", "qnnx", "--prefix", "net", "--prefix names C source; it needs --format c")]
    [InlineData("--format", "h", "--prefix", "net", "--format is one of qnnx, c, onnx, qonnx, got 'h'")]
    public void Bad_c_flags_are_usage_errors(string formatFlag, string format, string prefixFlag, string prefix, string message)
    {
        var folder = Temp();
        var result = Cli.Run(null, "export", "--load", Path.Combine(folder, "m.qnn"), "--out", Path.Combine(folder, "c"), formatFlag, format, prefixFlag, prefix);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public void The_c_output_must_be_a_folder()
    {
        var folder = Temp();
        var file = Path.Combine(folder, "taken");
        File.WriteAllText(file, "x");
        var result = Cli.Run(null, "export", "--load", Path.Combine(folder, "m.qnn"), "--out", file, "--format", "c");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is a file; with --format c give a folder", result.Error);
    }

    [Theory]
    [InlineData("VertebralMlp", "vertebral_mlp")]
    [InlineData("MiniMnistCnn", "mini_mnist_cnn")]
    [InlineData("CNNModel", "cnn_model")]
    [InlineData("3-layer net", "model_3_layer_net")]
    [InlineData("int", "int_model")]
    public void Model_names_become_snake_case_c_identifiers(string name, string expected)
    {
        Assert.Equal(expected, Qnn.Export.C.CIdentifier.SnakeCase(name));
        Assert.True(Qnn.Export.C.CIdentifier.IsValid(expected));
    }

    /// <summary>The C quantizer gives the engine's codes bit for bit, ties to even included, for
    /// code widths 1 to 24 (values at exact halves of a level, clamped ends and random values).</summary>
    [SkippableFact]
    public void Input_codes_equal_the_engines_bit_for_bit()
    {
        var gcc = CToolchain.Require("gcc");
        int[] bits = [1, 2, 3, 8, 12, 16, 20, 24];
        float[] low = [0f, -1f, 0.25f, -3.5f, 10f, 0f, -0.001f, 0f];
        float[] high = [1f, 1f, 7.25f, 2.75f, 10.5f, 65535f, 0.001f, 16777215f];
        var input = new InputStage([bits.Length], low, high, bits);
        var n = bits.Length;
        var model = new EngineModel("Codes", input, [new BinaryDenseLayer("fc", n, [0x5UL, 0xF0UL, 0x3CUL], Enumerable.Repeat(1, n).ToArray(),
            LayerOutput.Logits([1f, -0.5f, 0.25f], [0f, 1f, -1f], 1f))]);
        var random = new Random(7);
        var samples = new List<float>();
        var ties = 0;
        for (var s = 0; s < 3000; s++)
            for (var i = 0; i < n; i++)
            {
                var levels = input.LevelsOf(i);
                var span = MathF.Max(high[i] - low[i], 1e-30f);
                float x = (s % 3) switch
                {
                    0 => low[i] + (float)(random.NextDouble() * 1.2 - 0.1) * span,
                    1 => low[i] + (random.Next((int)Math.Min(levels, 1 << 20)) + 0.5f) * span / levels,
                    _ => s % 2 == 0 ? low[i] : high[i],
                };
                var t = (Math.Clamp(x, low[i], high[i]) - low[i]) / span * levels;
                ties += t - MathF.Floor(t) == 0.5f ? 1 : 0;
                samples.Add(x);
            }
        Assert.True(ties > 1000, $"only {ties} exact ties");
        var folder = Temp();
        var source = CExporter.Generate(model);
        Assert.Equal("codes", source.Prefix);
        File.WriteAllText(Path.Combine(folder, "codes.h"), source.Header);
        File.WriteAllText(Path.Combine(folder, "codes.c"), source.Source);
        File.WriteAllText(Path.Combine(folder, "main.c"), """
            #include <stdio.h>
            #include "codes.h"

            /* The codes of each sample, one sample a line. */
            int main(int argc, char **argv)
            {
                FILE *file = fopen(argv[1], "rb");
                int32_t head[2], s;
                int i;
                float sample[CODES_INPUTS];
                codes_code_t codes[CODES_INPUTS];
                (void)argc;
                if (file == NULL || fread(head, sizeof head, 1, file) != 1)
                    return 2;
                for (s = 0; s < head[0] && fread(sample, sizeof sample, 1, file) == 1; s++) {
                    codes_encode(sample, codes);
                    for (i = 0; i < CODES_INPUTS; i++)
                        printf("%lu ", (unsigned long)codes[i]);
                    printf("\n");
                }
                fclose(file);
                return 0;
            }

            """);
        using (var writer = new BinaryWriter(File.Create(Path.Combine(folder, "samples.bin"))))
        {
            writer.Write(samples.Count / n);
            writer.Write(n);
            foreach (var value in samples)
                writer.Write(value);
        }
        CToolchain.Run(gcc, folder, [.. Flags.Split(' '), "-O2", "-o", "codes", "main.c", "codes.c"]);
        var lines = Lines(CToolchain.Run(Path.Combine(folder, "codes"), folder, Path.Combine(folder, "samples.bin")), samples.Count / n);
        var expected = new float[n];
        for (var s = 0; s < lines.Length; s++)
        {
            input.Encode(samples.ToArray().AsSpan(s * n, n), expected);
            Assert.Equal(string.Join(' ', expected.Select(c => ((long)c).ToString(CultureInfo.InvariantCulture))), lines[s].Trim());
        }
    }
}
