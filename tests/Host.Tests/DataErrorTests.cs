using System.IO.Compression;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>Every bad input file gives exit code 3 and a message naming the file and the problem.</summary>
public class DataErrorTests
{
    private static string DataDir() => Directory.CreateTempSubdirectory("qnn-bad-data-").FullName;

    private static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(content);
        return output.ToArray();
    }

    private static byte[] IdxImages(int count, int rows = 28, int columns = 28, int magic = 0x803, int? payload = null)
    {
        var header = new byte[16];
        void Put(int offset, int value) { header[offset] = (byte)(value >> 24); header[offset + 1] = (byte)(value >> 16); header[offset + 2] = (byte)(value >> 8); header[offset + 3] = (byte)value; }
        Put(0, magic); Put(4, count); Put(8, rows); Put(12, columns);
        return header.Concat(new byte[payload ?? count * rows * columns]).ToArray();
    }

    private static byte[] IdxLabels(int count, byte label = 1)
    {
        var header = new byte[] { 0, 0, 8, 1, (byte)(count >> 24), (byte)(count >> 16), (byte)(count >> 8), (byte)count };
        return header.Concat(Enumerable.Repeat(label, count)).ToArray();
    }

    /// <summary>A complete, valid small MNIST folder; each test breaks one file.</summary>
    private static string MnistFolder(string root)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, "mnist")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte.gz"), Gzip(IdxImages(20)));
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte.gz"), Gzip(IdxLabels(20)));
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), Gzip(IdxImages(10)));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), Gzip(IdxLabels(10)));
        return folder;
    }

    private static void AssertDataError(CliResult result, params string[] fragments)
    {
        Assert.Equal(3, result.ExitCode);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.StartsWith("qnn: data error: ", result.Error);
        foreach (var fragment in fragments)
            Assert.Contains(fragment, result.Error);
    }

    private static CliResult TrainMnist(string root) =>
        Cli.Run(null, "train", "--model", "MiniMnistCnn", "--dataset", "mnist", "--data-dir", root, "--epochs", "1", "--offline");

    [Fact]
    public void A_valid_small_folder_trains()
    {
        var root = DataDir();
        MnistFolder(root);
        var result = TrainMnist(root);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("(20 train, 10 test samples)", result.Output);
    }

    [Fact]
    public void Truncated_gzip()
    {
        var root = DataDir();
        var file = Path.Combine(MnistFolder(root), "train-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
        AssertDataError(TrainMnist(root), file, "the gzip data is truncated");
    }

    [Fact]
    public void Wrong_magic()
    {
        var root = DataDir();
        var file = Path.Combine(MnistFolder(root), "t10k-images-idx3-ubyte.gz");
        File.WriteAllBytes(file, Gzip(IdxImages(10, magic: 0x801)));
        AssertDataError(TrainMnist(root), file, "wrong magic number 0x00000801");
    }

    [Fact]
    public void Header_and_size_disagree()
    {
        var root = DataDir();
        var file = Path.Combine(MnistFolder(root), "train-images-idx3-ubyte.gz");
        File.WriteAllBytes(file, Gzip(IdxImages(20, payload: 19 * 784)));
        AssertDataError(TrainMnist(root), file, "header says 20 images of 28×28");
    }

    [Fact]
    public void Image_and_label_counts_disagree()
    {
        var root = DataDir();
        var folder = MnistFolder(root);
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte.gz"), Gzip(IdxLabels(19)));
        AssertDataError(TrainMnist(root), "has 20 images but", "has 19 labels");
    }

    [Fact]
    public void Unknown_digit_label()
    {
        var root = DataDir();
        var folder = MnistFolder(root);
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), Gzip(IdxLabels(10, label: 12)));
        AssertDataError(TrainMnist(root), "label 0 is 12; digit and article classes are 0..9");
    }

    [Fact]
    public void Empty_image_file()
    {
        var root = DataDir();
        var file = Path.Combine(MnistFolder(root), "train-images-idx3-ubyte.gz");
        File.WriteAllBytes(file, Array.Empty<byte>());
        AssertDataError(TrainMnist(root), file, "the file is empty");
    }

    private static CliResult TrainVertebral(string root, string content)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, "vertebral")).FullName;
        File.WriteAllText(Path.Combine(folder, "column_3C.dat"), content);
        return Cli.Run(null, "train", "--data-dir", root, "--epochs", "1", "--offline");
    }

    private const string GoodRow = "63.03 22.55 39.61 40.48 98.67 -0.25 DH\n";

    [Fact]
    public void Vertebral_unknown_label()
    {
        var root = DataDir();
        AssertDataError(TrainVertebral(root, string.Concat(Enumerable.Repeat(GoodRow, 9)) + "63.03 22.55 39.61 40.48 98.67 -0.25 XX\n"),
            "column_3C.dat: line 10: unknown label 'XX'; expected one of DH, NO, SL");
    }

    [Fact]
    public void Vertebral_row_with_too_few_columns()
    {
        var root = DataDir();
        AssertDataError(TrainVertebral(root, GoodRow + "63.03 22.55 39.61 DH\n"), "column_3C.dat: line 2 has 4 columns");
    }

    [Fact]
    public void Vertebral_non_number()
    {
        var root = DataDir();
        AssertDataError(TrainVertebral(root, GoodRow + "63.03 abc 39.61 40.48 98.67 -0.25 SL\n"), "line 2, column 2: 'abc' is not a number");
    }

    [Fact]
    public void Vertebral_empty_file()
    {
        var root = DataDir();
        AssertDataError(TrainVertebral(root, ""), "column_3C.dat: the file has no rows");
    }

    private static CliResult TrainCsv(string content, params string[] extra)
    {
        var path = Path.Combine(DataDir(), "table.csv");
        File.WriteAllText(path, content);
        var spec = Path.Combine(Path.GetDirectoryName(path)!, "model.json");
        File.WriteAllText(spec, """{ "kind": "mlp", "activation": "Relu", "input": { "features": 2 }, "layers": [ { "dense": 8 }, { "dense": 2 } ] }""");
        return Cli.Run(null, new[] { "train", "--model", spec, "--dataset", "csv:" + path, "--epochs", "2", "--batch-size", "4" }.Concat(extra).ToArray());
    }

    private static string Rows(int n) => string.Concat(Enumerable.Range(0, n).Select(i => $"{i % 7},{i % 5},{(i % 2 == 0 ? "yes" : "no")}\n"));

    [Fact]
    public void Csv_table_with_a_header_trains()
    {
        var result = TrainCsv("a,b,label\n" + Rows(40));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("(32 train, 8 test samples)", result.Output);
    }

    [Fact]
    public void Csv_label_column_by_name()
    {
        var result = TrainCsv("label,a,b\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"{(i % 2 == 0 ? "yes" : "no")},{i % 7},{i % 5}\n")), "--label-column", "label");
        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Fact]
    public void Csv_row_with_too_few_columns() => AssertDataError(TrainCsv(Rows(10) + "1,yes\n"), "table.csv: line 11 has 2 columns; expected 3");

    [Fact]
    public void Csv_non_number() => AssertDataError(TrainCsv(Rows(10) + "1,x2,no\n"), "table.csv: line 11, column 2: 'x2' is not a number");

    [Fact]
    public void Csv_first_row_is_line_1() => AssertDataError(TrainCsv("5\n" + Rows(10)), "table.csv: line 1 has 1 column; a table needs at least one feature and a label");

    [Fact]
    public void Csv_empty_file() => AssertDataError(TrainCsv(""), "table.csv: the file is empty");

    [Fact]
    public void Csv_single_class() => AssertDataError(TrainCsv("1,2,a\n3,4,a\n5,6,a\n7,8,a\n9,9,a\n"), "a classification table needs at least two classes");

    [Fact]
    public void Csv_file_missing() => AssertDataError(Cli.Run(null, "train", "--dataset", "csv:/nonexistent/table.csv"), "/nonexistent/table.csv: no such file");

    [Fact]
    public void Offline_with_the_data_set_nowhere()
    {
        var empty = DataDir();
        AssertDataError(Cli.Run(empty, "train", "--model", "MiniMnistCnn", "--dataset", "mnist", "--data-dir", empty, "--offline"),
            "data set 'mnist' not found, and --offline forbids downloading it", Path.Combine(empty, "mnist"));
    }
}
