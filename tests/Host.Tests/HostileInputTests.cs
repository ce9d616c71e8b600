using System.Diagnostics;
using System.IO.Compression;
using Qnn.Host.Cli;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>Hostile inputs, round two: outputs that are devices, FIFOs or symlinks; inputs that
/// never end, bombs, loops and files the user may not read; studies; names that would save a model
/// nothing can load; a full or closed standard output. Each ends in its documented exit code with
/// a message naming the flag or file, before any work where that is knowable, and harms nothing.</summary>
public class HostileInputTests
{
    private static string Folder() => Directory.CreateTempSubdirectory("qnn-hostile-").FullName;

    private static string Fifo(string folder, string name = "fifo")
    {
        var path = Path.Combine(folder, name);
        CToolchain.Run("/usr/bin/mkfifo", folder, path);
        return path;
    }

    private static void AssertRefused(CliResult result, int code, params string[] fragments)
    {
        Assert.True(result.ExitCode == code, $"exit {result.ExitCode}, expected {code}: {result.Error}");
        foreach (var fragment in fragments)
            Assert.Contains(fragment, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("training VertebralMlp", result.Output);
    }

    public static TheoryData<string, string> DeviceOutputs => new()
    {
        { "--save", "/dev/null" },
        { "--json", "/dev/full" },
        { "--plot", "/dev/zero" },
    };

    [Theory]
    [MemberData(nameof(DeviceOutputs))]
    public void A_device_as_an_output_is_refused_before_training_and_stays_a_device(string flag, string device)
    {
        var result = Cli.Run(Cli.DataRoot, "train", "--epochs", "1", flag, device);
        AssertRefused(result, 2, $"{flag} {device}: a character device, not a regular file");
        Assert.Equal(Qnn.Host.Persistence.UnixFileType.Kind.CharacterDevice, Qnn.Host.Persistence.UnixFileType.Of(device));
    }

    [Fact]
    public void A_fifo_or_a_symlink_to_a_device_as_an_output_is_refused()
    {
        var folder = Folder();
        var fifo = Fifo(folder);
        AssertRefused(Cli.Run(Cli.DataRoot, "train", "--save", fifo), 2, $"--save {fifo}: a FIFO, not a regular file");
        var link = Path.Combine(folder, "null.qnn");
        File.CreateSymbolicLink(link, "/dev/null");
        AssertRefused(Cli.Run(Cli.DataRoot, "export", "--load", "nothing.qnn", "--out", link), 2, $"--out {link}: a character device");
        Assert.Equal("/dev/null", new FileInfo(link).LinkTarget);
        Assert.Equal(Qnn.Host.Persistence.UnixFileType.Kind.Fifo, Qnn.Host.Persistence.UnixFileType.Of(fifo));
    }

    [SkippableFact]
    public void A_symlink_to_a_file_is_written_through_and_stays_a_link()
    {
        var folder = Folder();
        var target = Path.Combine(folder, "real.json");
        File.WriteAllText(target, "old");
        var link = Path.Combine(folder, "link.json");
        File.CreateSymbolicLink(link, target);
        var result = Cli.Run(Cli.RequireData("vertebral/column_3C.dat"), "train", "--epochs", "1", "--json", link);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.StartsWith("{", File.ReadAllText(target));
    }

    [Fact]
    public void A_path_ending_in_a_separator_is_refused_and_no_folder_is_made()
    {
        var folder = Path.Combine(Folder(), "newdir");
        var result = Cli.Run(Cli.DataRoot, "train", "--save", folder + "/");
        AssertRefused(result, 2, $"--save {folder}/: names a folder (it ends in /); give a file name");
        Assert.False(Directory.Exists(folder));
    }

    [SkippableFact]
    public void A_missing_output_folder_is_made_only_when_the_result_is_written()
    {
        var folder = Path.Combine(Folder(), "a", "b");
        var path = Path.Combine(folder, "m.qnn");
        var refused = Cli.Run(Cli.DataRoot, "train", "--save", path, "--epochs", "0");
        Assert.Equal(2, refused.ExitCode);
        Assert.False(Directory.Exists(Path.GetDirectoryName(folder)), "the check before work made a folder");
        var result = Cli.Run(Cli.RequireData("vertebral/column_3C.dat"), "train", "--epochs", "1", "--save", path);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Predict_output_to_a_fifo_is_written_through_as_to_standard_output()
    {
        var folder = Folder();
        var model = TrainedEngine(folder);
        var input = Path.Combine(folder, "x.csv");
        File.WriteAllLines(input, new[] { "60,20,40,40,100,0", "40,10,25,30,115,5" });
        var fifo = Fifo(folder);
        var read = Task.Run(() => File.ReadAllText(fifo));
        var result = Cli.Run(null, "predict", "--model", model, "--input", input, "--output", fifo);
        Assert.True(result.ExitCode == 0, result.Error);
        var text = await read.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("row,class,label,logit_0", text);
        Assert.Equal(3, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(Qnn.Host.Persistence.UnixFileType.Kind.Fifo, Qnn.Host.Persistence.UnixFileType.Of(fifo));
    }

    /// <summary>A VertebralMlp engine file trained for one epoch.</summary>
    private static string TrainedEngine(string folder)
    {
        var saved = Path.Combine(folder, "m.qnn");
        var engine = Path.Combine(folder, "m.qnnx");
        Assert.Equal(0, Cli.Run(Cli.DataRoot, "train", "--epochs", "1", "--save", saved).ExitCode);
        Assert.Equal(0, Cli.Run(null, "export", "--load", saved, "--out", engine).ExitCode);
        return engine;
    }

    public static TheoryData<string[], string> EndlessInputs => new()
    {
        { new[] { "predict", "--model", "/dev/urandom", "--dataset", "vertebral" }, "--model /dev/urandom: a character device, not a regular file (its reads may never end)" },
        { new[] { "train", "--model", "/dev/urandom" }, "--model /dev/urandom: a character device" },
        { new[] { "train", "--dataset", "csv:/dev/zero" }, "--dataset /dev/zero: a character device" },
        { new[] { "search", "--space", "/dev/zero" }, "--space /dev/zero: a character device" },
        { new[] { "eval", "--load", "/dev/zero" }, "--load /dev/zero: a character device" },
        { new[] { "train", "--like", "/dev/zero" }, "--like /dev/zero: a character device" },
        { new[] { "inspect", "--model", "/dev/zero.qnnx" }, "--model /dev/zero.qnnx: no such file" },
    };

    [Theory]
    [MemberData(nameof(EndlessInputs))]
    public void A_device_as_an_input_is_refused_unread(string[] args, string message)
    {
        var result = Cli.Run(Cli.DataRoot, args);
        Assert.True(result.ExitCode is 2 or 3, result.Error);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public void A_fifo_as_an_input_is_refused_without_waiting_for_a_writer()
    {
        var folder = Folder();
        var fifo = Fifo(folder, "x.csv");
        var clock = Stopwatch.StartNew();
        var result = Cli.Run(Cli.DataRoot, "train", "--dataset", $"csv:{fifo}");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"--dataset {fifo}: a FIFO, not a regular file", result.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
        var like = Cli.Run(Cli.DataRoot, "train", "--like", fifo);
        Assert.Contains($"--like {fifo}: a FIFO", like.Error);
    }

    [Fact]
    public void Symlink_loops_and_empty_paths_are_named_by_their_flag()
    {
        var folder = Folder();
        var (a, b) = (Path.Combine(folder, "a"), Path.Combine(folder, "b"));
        File.CreateSymbolicLink(a, b);
        File.CreateSymbolicLink(b, a);
        AssertRefused(Cli.Run(null, "eval", "--load", a), 3, $"--load {a}: cannot be resolved");
        AssertRefused(Cli.Run(null, "predict", "--model", a, "--input", "x.csv"), 3, $"--model {a}: cannot be resolved");
        AssertRefused(Cli.Run(null, "eval", "--load", ""), 3, "--load: an empty path; give a file");
        AssertRefused(Cli.Run(null, "train", "--dataset", "csv:"), 3, "--dataset csv:: no file after csv:");
        AssertRefused(Cli.Run(null, "train", "--save", a, "--epochs", "1"), 2, $"--save {a}: cannot be followed");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_file_the_user_may_not_read_is_a_data_error_not_a_crash()
    {
        var folder = Folder();
        var model = Path.Combine(folder, "secret.qnn");
        File.WriteAllText(model, "QNNMODEL");
        File.SetUnixFileMode(model, UnixFileMode.None);
        // Root reads every file: run qnn as an ordinary user (nobody), as the probe did.
        var asUser = Environment.UserName == "root" ? "runuser -u nobody -- env HOME=/tmp " : "";
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        var process = QnnProcess.Start($"{asUser}\"$QNN\" eval --load {model}", folder);
        var (code, output) = QnnProcess.Finish(process, TimeSpan.FromSeconds(60));
        Assert.Equal(3, code);
        Assert.Contains($"--load {model}: cannot be read", output);
        Assert.DoesNotContain("Unhandled", output);
    }

    /// <summary>A gzip'd IDX file whose header announces <paramref name="count"/> images of 28×28
    /// and whose data is <paramref name="payload"/> zero bytes: a few KB that inflate to far more.</summary>
    private static byte[] Bomb(int count, long payload)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            var header = new byte[16];
            void Put(int at, int value) { header[at] = (byte)(value >> 24); header[at + 1] = (byte)(value >> 16); header[at + 2] = (byte)(value >> 8); header[at + 3] = (byte)value; }
            Put(0, 0x803); Put(4, count); Put(8, 28); Put(12, 28);
            gzip.Write(header);
            var zeros = new byte[1 << 20];
            for (var left = payload; left > 0; left -= zeros.Length)
                gzip.Write(zeros, 0, (int)Math.Min(zeros.Length, left));
        }
        return output.ToArray();
    }

    private static string BombFolder(byte[] images)
    {
        var root = Folder();
        var folder = Directory.CreateDirectory(Path.Combine(root, "mnist")).FullName;
        foreach (var name in new[] { "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })
            File.Copy(Path.Combine(Cli.RepositoryData, "mnist", name), Path.Combine(folder, name));
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte.gz"), images);
        return root;
    }

    [Fact]
    public void A_gzip_bomb_that_announces_more_than_the_limit_is_refused_before_inflating()
    {
        var bomb = Bomb(count: 2_000_000, payload: 64L << 20);   // 64 MB of zeros in about 64 KB
        Assert.True(bomb.Length < 200_000, $"{bomb.Length} bytes");
        var root = BombFolder(bomb);
        var allocated = GC.GetTotalAllocatedBytes();
        var result = Cli.Run(null, "train", "--model", "MiniMnistCnn", "--dataset", "mnist", "--data-dir", root, "--offline");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("header says 2,000,000 images of 28×28 (1,568,000,000 values); qnn reads at most 268,435,456 values from one file", result.Error);
        Assert.True(GC.GetTotalAllocatedBytes() - allocated < 64L << 20, "the bomb was inflated");
    }

    [Fact]
    public void A_gzip_bomb_whose_data_goes_on_past_its_header_stops_at_the_header()
    {
        var root = BombFolder(Bomb(count: 10, payload: 256L << 20));   // 256 MB behind a 10-image header
        var allocated = GC.GetTotalAllocatedBytes();
        var result = Cli.Run(null, "train", "--model", "MiniMnistCnn", "--dataset", "mnist", "--data-dir", root, "--offline");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("header says 10 images of 28×28 (7,840 bytes after the header) but the data goes on past them", result.Error);
        Assert.True(GC.GetTotalAllocatedBytes() - allocated < 64L << 20, "the bomb was inflated");
    }

    [SkippableFact]
    public void Test_images_of_another_size_than_the_training_images_are_a_data_error()
    {
        var data = Cli.RequireData("mnist/train-images-idx3-ubyte.gz");
        var root = Folder();
        var folder = Directory.CreateDirectory(Path.Combine(root, "mnist")).FullName;
        foreach (var name in new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })
            File.Copy(Path.Combine(data, "mnist", name), Path.Combine(folder, name));
        using (var output = File.Create(Path.Combine(folder, "t10k-images-idx3-ubyte.gz")))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(new byte[] { 0, 0, 8, 3, 0, 0, 0x07, 0xd0, 0, 0, 0, 14, 0, 0, 0, 14 });
            gzip.Write(new byte[2000 * 14 * 14]);
        }
        var result = Cli.Run(null, "train", "--model", "MiniMnistCnn", "--dataset", "mnist", "--data-dir", root, "--offline");
        AssertRefused(result, 3, "t10k-images-idx3-ubyte.gz: images of 14×14, but the training images", "are 28×28");
    }

    [Fact]
    public void A_csv_cell_with_a_nul_is_not_a_number()
    {
        var path = Path.Combine(Folder(), "t.csv");
        File.WriteAllText(path, string.Join("\n", Enumerable.Range(0, 10).Select(i => i == 3 ? "2\0,1,a" : $"{i},1,{(i % 2 == 0 ? "a" : "b")}")));
        AssertRefused(Cli.Run(null, "train", "--dataset", $"csv:{path}", "--model", "FloatMlp"), 3, "line 4, column 1: '2\\u0000' is not a number");
    }

    [Theory]
    [InlineData("\"\"", "$.name: an empty name; a model needs one")]
    [InlineData("\"  \"", "$.name: an empty name")]
    [InlineData("\"a\\u0000b\"", "$.name: the name has a control character")]
    public void A_spec_name_that_no_saved_model_could_carry_is_refused_before_training(string name, string message)
    {
        var path = Path.Combine(Folder(), "spec.json");
        File.WriteAllText(path, $$"""{ "name": {{name}}, "kind": "mlp", "input": { "features": 6 }, "layers": [ { "dense": 3 } ] }""");
        AssertRefused(Cli.Run(Cli.DataRoot, "train", "--model", path, "--save", Path.Combine(Folder(), "m.qnn")), 2, message);
    }

    [SkippableFact]
    public void Study_export_onto_its_own_store_is_refused_and_a_missing_store_is_not_created()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var folder = Folder();
        var storage = Path.Combine(folder, "v.db");
        var search = Cli.Run(data, "search", "--trials", "2", "--population", "2", "--folds", "2", "--epochs", "1", "--storage", storage, "--study", "s");
        Assert.True(search.ExitCode == 0, search.Error);
        var before = File.ReadAllBytes(storage);
        AssertRefused(Cli.Run(null, "study", "export", "--storage", storage, "--trial", "0", "--out", storage), 2, $"--out {storage} would overwrite --storage {storage}");
        Assert.Equal(before, File.ReadAllBytes(storage));
        AssertRefused(Cli.Run(data, "search", "--storage", storage, "--json", storage), 2, $"--json {storage} would overwrite --storage {storage}");
        var missing = Path.Combine(folder, "missing.db");
        AssertRefused(Cli.Run(null, "study", "show", "--storage", missing), 3, $"--storage {missing}: no such file");
        Assert.False(File.Exists(missing));
    }

    [SkippableFact]
    public void Search_refuses_more_folds_than_rows_and_workers_beyond_its_limit_before_any_trial()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var storage = Path.Combine(Folder(), "f.db");
        AssertRefused(Cli.Run(data, "search", "--folds", "1000", "--trials", "1", "--storage", storage), 2,
            "--folds 1000: data set vertebral has 310 rows, and every fold needs a test row; give at most 310 folds");
        AssertRefused(Cli.Run(data, "search", "--folds", "2147483647", "--storage", storage), 2, "give at most 310 folds");
        AssertRefused(Cli.Run(data, "search", "--workers", "100000", "--storage", storage), 2, "--workers needs an integer from 1 to 256, got '100000'");
        // Nothing was recorded: the same store takes a good search afterwards.
        var good = Cli.Run(data, "search", "--folds", "2", "--trials", "1", "--population", "2", "--epochs", "1", "--storage", storage);
        Assert.True(good.ExitCode == 0, good.Error);
    }

    [Fact]
    public void Help_for_a_command_that_does_not_exist_is_a_usage_error()
    {
        var result = Cli.Run(null, "help", "nosuchcommand");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'nosuchcommand'", result.Error);
    }

    /// <summary>Standard output as a full disk or closed descriptor is: every write fails.</summary>
    private sealed class FullWriter : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
        public override void Write(char value) => throw new IOException("No space left on device");
        public override void Write(string? value) => throw new IOException("No space left on device");
    }

    [SkippableFact]
    public void A_full_standard_output_still_saves_the_model_and_ends_with_exit_6()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var folder = Folder();
        var model = Path.Combine(folder, "m.qnn");
        var json = Path.Combine(folder, "r.json");
        var error = new StringWriter();
        var environment = new Dictionary<string, string?> { ["QNN_DATA_DIR"] = data, ["XDG_CACHE_HOME"] = folder, ["HOME"] = folder };
        var code = new QnnApp(new Terminal(new GuardedWriter(new FullWriter()), error, Interactive: false), null, environment)
            .Run(new[] { "train", "--epochs", "2", "--save", model, "--json", json });
        Assert.Equal(ExitCodes.OutputLost, code);
        Assert.Contains("qnn: standard output could not be written (No space left on device); the command's files were written", error.ToString());
        Assert.Equal(0, Cli.Run(data, "eval", "--load", model).ExitCode);
        Assert.StartsWith("{", File.ReadAllText(json));
    }

    [Fact]
    public void Predict_to_a_closed_pipe_stops_at_once_with_exit_6()
    {
        var folder = Folder();
        var model = TrainedEngine(folder);
        var input = Path.Combine(folder, "many.csv");
        File.WriteAllLines(input, Enumerable.Range(0, 300_000).Select(i => $"{i % 90},{i % 30},40,40,100,{i % 7}"));
        var clock = Stopwatch.StartNew();
        var process = QnnProcess.Start($"\"$QNN\" predict --model {model} --input {input} | head -n 2; echo \"exit ${{PIPESTATUS[0]}}\"", folder);
        var (_, output) = QnnProcess.Finish(process, TimeSpan.FromSeconds(120));
        Assert.Contains("row,class,label,logit_0", output);
        Assert.Contains("exit 6", output);
        Assert.Contains("qnn: standard output could not be written", output);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{clock.Elapsed}");
    }
}
