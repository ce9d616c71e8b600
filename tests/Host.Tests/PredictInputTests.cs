using System.Globalization;
using System.IO.Compression;
using Qnn.Engine;
using Qnn.Export;
using Qnn.Host.Reports;
using TorchSharp;
using Xunit;
using Qnn.Engine.Format;

namespace Qnn.Host.Tests;

/// <summary>`qnn predict --input FILE`: a CSV of raw features or an IDX image file in, one CSV row
/// per sample out, equal to the engine's own logits; bad input exits 3 naming the line.</summary>
public class PredictInputTests
{
    private const string Mlp = """{ "name": "Mlp", "kind": "mlp", "input": { "features": 4, "bits": 8 }, "layers": [ { "dense": 16, "weights": "Binary" }, { "dense": 3, "weights": "Binary" } ] }""";
    private const string Cnn = """{ "name": "Cnn", "kind": "cnn", "input": { "channels": 1, "height": 8, "width": 8, "bits": 8 }, "layers": [ { "conv": 4, "kernel": 3, "weights": "Binary" }, { "dense": 5, "weights": "Binary" } ] }""";
    private static readonly string[] MlpNames = { "hernia", "normal", "spondylolisthesis" };

    private static string Temp(string name) => Path.Combine(Directory.CreateTempSubdirectory("qnn-predict-").FullName, name);

    /// <summary>An untrained network of <paramref name="json"/> exported (with <paramref name="names"/>) to a file.</summary>
    private static (string Path, EngineModel Model) Engine(string json, string[]? names)
    {
        torch.manual_seed(3);
        using var network = Qnn.Spec.build(Qnn.Spec.ofJson(json).ResultValue);
        var model = EngineExporter.Export(network, names);
        var path = Temp("m.qnnx");
        using (var file = File.Create(path))
            QnnxFormat.Write(model, file);
        return (path, model);
    }

    /// <summary>Each output row against the engine's Logits for the same sample.</summary>
    private static void AssertRows(string output, EngineModel model, float[][] samples, string[]? names)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = "row,class" + (names is null ? "" : ",label") + string.Concat(Enumerable.Range(0, model.Classes).Select(j => $",logit_{j}"));
        Assert.Equal(header, lines[0]);
        Assert.Equal(samples.Length + 1, lines.Length);
        var workspace = model.CreateWorkspace();
        for (var s = 0; s < samples.Length; s++)
        {
            var expected = model.Logits(samples[s], workspace).ToArray();
            var best = Array.IndexOf(expected, expected.Max());
            var cells = lines[s + 1].Split(',');
            Assert.Equal(s.ToString(CultureInfo.InvariantCulture), cells[0]);
            Assert.Equal(best.ToString(CultureInfo.InvariantCulture), cells[1]);
            var first = 2;
            if (names is not null)
                Assert.Equal(names[best], cells[first++]);
            Assert.Equal(expected, cells[first..].Select(c => float.Parse(c, CultureInfo.InvariantCulture)).ToArray());
        }
    }

    private static float[][] Features(int rows, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, 4).Select(_ => (float)Math.Round(random.NextDouble() * 40 - 20, 3)).ToArray()).ToArray();
    }

    private static string Csv(float[][] rows, string? header) =>
        (header is null ? "" : header + "\n") + string.Concat(rows.Select(r => string.Join(",", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "\n"));

    [Theory]
    [InlineData("a,b,c,d")]
    [InlineData(null)]
    public void A_csv_of_features_with_or_without_a_header_gives_the_engines_logits_and_class_names(string? header)
    {
        var (model, engine) = Engine(Mlp, MlpNames);
        var rows = Features(40, 1);
        var input = Temp("x.csv");
        File.WriteAllText(input, Csv(rows, header));
        var result = Cli.Run(null, "predict", "--model", model, "--input", input);
        Assert.True(result.ExitCode == 0, result.Error);
        AssertRows(result.Output, engine, rows, MlpNames);
    }

    [Fact]
    public void A_model_without_class_names_has_no_label_column_and_output_goes_to_the_file()
    {
        var (model, engine) = Engine(Mlp, null);
        var rows = Features(7, 2);
        var input = Temp("x.csv");
        File.WriteAllText(input, Csv(rows, null));
        var output = Path.Combine(Path.GetDirectoryName(input)!, "out", "preds.csv");
        var result = Cli.Run(null, "predict", "--model", model, "--input", input, "--output", output);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Output);
        AssertRows(File.ReadAllText(output), engine, rows, null);
    }

    /// <summary>An IDX image file of <paramref name="count"/> random images of rows × columns.</summary>
    private static (string Path, float[][] Images) Idx(int count, int rows, int columns, bool gzip)
    {
        var random = new Random(count);
        var pixels = new byte[count * rows * columns];
        random.NextBytes(pixels);
        var bytes = new byte[] { 0, 0, 8, 3 }.Concat(new[] { count, rows, columns }.SelectMany(n => new[] { (byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n })).Concat(pixels).ToArray();
        var path = Temp(gzip ? "images-idx3-ubyte.gz" : "images-idx3-ubyte");
        if (gzip)
        {
            using var file = File.Create(path);
            using var zip = new GZipStream(file, CompressionLevel.Fastest);
            zip.Write(bytes);
        }
        else
        {
            File.WriteAllBytes(path, bytes);
        }
        var images = Enumerable.Range(0, count).Select(i => pixels.AsSpan(i * rows * columns, rows * columns).ToArray().Select(b => (float)b).ToArray()).ToArray();
        return (path, images);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_idx_image_file_gives_the_engines_logits_per_image(bool gzip)
    {
        var names = new[] { "zero", "one", "two", "three", "four" };
        var (model, engine) = Engine(Cnn, names);
        var (input, images) = Idx(70, 8, 8, gzip);
        var result = Cli.Run(null, "predict", "--model", model, "--input", input);
        Assert.True(result.ExitCode == 0, result.Error);
        AssertRows(result.Output, engine, images, names);
    }

    [Fact]
    public void Two_threads_give_the_same_output_as_one()
    {
        var (model, _) = Engine(Cnn, null);
        var (input, _) = Idx(1001, 8, 8, gzip: true);   // four chunks of 256 and a part
        var one = Cli.Run(null, "predict", "--model", model, "--input", input, "--threads", "1");
        var two = Cli.Run(null, "predict", "--model", model, "--input", input, "--threads", "2");
        Assert.True(one.ExitCode == 0 && two.ExitCode == 0, one.Error + two.Error);
        Assert.Equal(1002, one.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(one.Output, two.Output);
    }

    [Theory]
    [InlineData("1,2,3,4\n5,6,7\n", "line 2 has 3 columns; the model takes 4 features (the raw feature columns, no label)")]
    [InlineData("a,b,c,d\n1,2,3,4\n1,2,3,4\n1,2,3,4,5\n", "line 4 has 5 columns; the model takes 4 features (the raw feature columns, no label)")]
    [InlineData("a,b,c,d,label\n1,2,3,4,x\n", "line 1 (the header) has 5 columns; the model takes 4 features (the raw feature columns, no label)")]
    [InlineData("1,2,3\n1,2,3,4\n", "line 1 has 3 columns; the model takes 4 features (the raw feature columns, no label)")]
    [InlineData("1,2,3,4\n\n1,abc,3,4\n", "line 3, column 2: 'abc' is not a number")]
    [InlineData("1,2,3,4\n1,2,NaN,4\n", "line 2, column 3: 'NaN' is not a number")]
    public void A_bad_row_exits_3_naming_the_line(string csv, string message)
    {
        var (model, _) = Engine(Mlp, MlpNames);
        var input = Temp("bad.csv");
        File.WriteAllText(input, csv);
        var result = Cli.Run(null, "predict", "--model", model, "--input", input);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal($"qnn: data error: {input}: {message}", result.Error.Split(Environment.NewLine)[0]);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void Images_of_the_wrong_size_exit_3()
    {
        var (model, _) = Engine(Cnn, null);
        var (input, _) = Idx(3, 7, 8, gzip: false);
        var result = Cli.Run(null, "predict", "--model", model, "--input", input);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"{input}: images of 7×8 pixels; the model takes samples of 1×8×8", result.Error);
    }

    [Theory]
    [InlineData(true, true, "exactly one of --input FILE")]
    [InlineData(false, false, "exactly one of --input FILE")]
    public void Input_and_dataset_are_alternatives(bool input, bool dataSet, string message)
    {
        var args = new List<string> { "predict", "--model", "m.qnnx" };
        if (input) args.AddRange(new[] { "--input", "x.csv" });
        if (dataSet) args.AddRange(new[] { "--dataset", "vertebral" });
        var result = Cli.Run(null, args.ToArray());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void Output_without_input_and_output_over_the_input_are_usage_errors()
    {
        var over = Cli.Run(null, "predict", "--model", "m.qnnx", "--input", "x.csv", "--output", "x.csv");
        Assert.Equal(2, over.ExitCode);
        Assert.Contains("--output x.csv would overwrite --input x.csv", over.Error);
        var alone = Cli.Run(null, "predict", "--model", "m.qnnx", "--dataset", "vertebral", "--output", "p.csv");
        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("--output goes with --input", alone.Error);
    }

    [Fact]
    public void Labels_with_separators_or_quotes_are_quoted()
    {
        torch.manual_seed(3);
        using var network = Qnn.Spec.build(Qnn.Spec.ofJson(Mlp).ResultValue);
        var names = new[] { "a,b", "say \"hi\"", " padded" };
        var model = EngineExporter.Export(network, names);
        var logits = new float[] { 0, 1, 0, 2, 0, 0, 0, 0, 3 };
        var text = new StringWriter();
        PredictionCsv.Write(text, model, logits, 3);
        Assert.Equal("row,class,label,logit_0,logit_1,logit_2\n0,1,\"say \"\"hi\"\"\",0,1,0\n1,0,\"a,b\",2,0,0\n2,2,\" padded\",0,0,3\n", text.ToString());
    }

    [Fact]
    public void Class_names_must_match_the_classes_at_export()
    {
        torch.manual_seed(3);
        using var network = Qnn.Spec.build(Qnn.Spec.ofJson(Mlp).ResultValue);
        Assert.Equal("2 class names for Mlp's 3 classes", Assert.Throws<ExportException>(() => EngineExporter.Export(network, new[] { "a", "b" })).Message);
    }

    [SkippableFact]
    public void Qnn_export_stores_the_saved_models_class_names()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var saved = Temp("vertebral.qnn");
        Assert.Equal(0, Cli.Run(data, "train", "--epochs", "1", "--save", saved).ExitCode);
        var exported = Path.ChangeExtension(saved, ".qnnx");
        Assert.Equal(0, Cli.Run(data, "export", "--load", saved, "--out", exported).ExitCode);
        using (var file = File.OpenRead(exported))
            Assert.Equal(new[] { "DH", "NO", "SL" }, QnnxFormat.Read(file).ClassNames);
        var input = Temp("patients.csv");
        File.WriteAllText(input, "63.03,22.55,39.61,40.48,98.67,-0.25\n");
        var result = Cli.Run(null, "predict", "--model", exported, "--input", input);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith("row,class,label,logit_0,logit_1,logit_2\n0,", result.Output);
    }
}
