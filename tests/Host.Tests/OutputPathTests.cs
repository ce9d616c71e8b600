using Qnn.Host.Persistence;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>No trained model is lost to an output path: bad paths fail before any work (exit 2),
/// a write that fails at the end goes to a fallback path (exit 4), temporaries name their writer.</summary>
public class OutputPathTests
{
    private static string TempFolder() => Directory.CreateTempSubdirectory("qnn-out-").FullName;

    public static TheoryData<string, string> UnwritableOutputs()
    {
        var folder = TempFolder();
        var file = Path.Combine(folder, "a-file");
        File.WriteAllText(file, "not a folder");
        return new TheoryData<string, string>
        {
            { "--save", "/proc/qnn-model.qnn" },
            { "--json", Path.Combine(file, "result.json") },
            { "--plot", folder },
            { "--save", "/proc/self/qnn/model.qnn" },
        };
    }

    [SkippableTheory]
    [MemberData(nameof(UnwritableOutputs))]
    public void An_unwritable_output_fails_before_training(string flag, string path)
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var result = Cli.Run(data, "train", "--epochs", "2", flag, path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{flag} {path}", result.Error);
        Assert.DoesNotContain("training VertebralMlp", result.Output);
    }

    [SkippableTheory]
    [InlineData("--json")]
    [InlineData("--plot")]
    public void Two_results_on_one_path_fail_before_training(string other)
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var path = Path.Combine(TempFolder(), "same");
        var result = Cli.Run(data, "train", "--epochs", "2", "--save", path, other, path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--save and {other} name the same file", result.Error);
        Assert.False(File.Exists(path));
    }

    [SkippableFact]
    public void Export_onto_its_own_input_is_refused_and_the_model_kept()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var saved = Path.Combine(TempFolder(), "v.qnn");
        Assert.Equal(0, Cli.Run(data, "train", "--epochs", "2", "--save", saved).ExitCode);
        var before = File.ReadAllBytes(saved);
        var result = Cli.Run(data, "export", "--load", saved, "--out", saved);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--out", result.Error);
        Assert.Contains("would overwrite --load", result.Error);
        Assert.Equal(before, File.ReadAllBytes(saved));
        var unwritable = Cli.Run(data, "export", "--load", saved, "--out", "/proc/v.qnnx");
        Assert.Equal(2, unwritable.ExitCode);
        Assert.Contains("--out /proc/v.qnnx: cannot write in /proc", unwritable.Error);
    }

    [Fact]
    public void A_result_that_cannot_be_written_goes_to_the_first_fallback_folder_that_takes_it()
    {
        var folder = TempFolder();
        var blocked = Path.Combine(folder, "blocked");
        File.WriteAllText(blocked, "a file where the folder should be");
        var fallback = Path.Combine(folder, "fallback");
        Directory.CreateDirectory(fallback);
        var messages = new StringWriter();
        var files = new ResultFiles(messages, new[] { Path.Combine(blocked, "no"), fallback });
        var at = files.Write("--save", Path.Combine(blocked, "model.qnn"), temporary => File.WriteAllText(temporary, "weights"));
        Assert.True(files.FellBack);
        Assert.Equal(fallback, Path.GetDirectoryName(at));
        Assert.Matches(@"^model\.fallback-\d{8}T\d{9}\.qnn$", Path.GetFileName(at));
        Assert.Equal("weights", File.ReadAllText(at));
        Assert.Contains($"--save {Path.Combine(blocked, "model.qnn")} could not be written", messages.ToString());
        Assert.Contains($"the result is at {at}", messages.ToString());
    }

    [Fact]
    public void Nowhere_to_write_is_a_result_not_written_error()
    {
        var folder = TempFolder();
        var blocked = Path.Combine(folder, "blocked");
        File.WriteAllText(blocked, "x");
        var files = new ResultFiles(TextWriter.Null, new[] { Path.Combine(blocked, "a"), Path.Combine(blocked, "b") });
        Assert.Throws<ResultNotWrittenException>(() => files.Write("--json", Path.Combine(blocked, "r.json"), t => File.WriteAllText(t, "{}")));
    }

    [SkippableFact]
    public void A_save_that_fails_at_the_end_leaves_the_model_at_the_fallback_path()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var work = TempFolder();
        var target = Directory.CreateDirectory(Path.Combine(work, "models")).FullName;
        // Long enough to swap the folder for a file after the start-up check passed.
        var started = new ManualResetEventSlim();
        var process = QnnProcess.Start("exec \"$QNN\" train --epochs 3000 --patience 0 --save models/m.qnn", work,
            new Dictionary<string, string> { ["QNN_DATA_DIR"] = data },
            line => { if (line.StartsWith("training VertebralMlp", StringComparison.Ordinal)) started.Set(); });
        Assert.True(started.Wait(TimeSpan.FromMinutes(2)), "qnn never started training");
        Directory.Delete(target, recursive: true);
        File.WriteAllText(target, "a file now, where the folder was");
        var (exitCode, output) = QnnProcess.Finish(process, TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 4, output);
        var fallback = Directory.GetFiles(work, "m.fallback-*.qnn").Single();
        Assert.Contains($"the result is at {fallback}", output);
        var (network, info) = SavedModel.Load(fallback);
        network.Dispose();
        Assert.Equal("VertebralMlp", info.Model);
    }

    [Fact]
    public void A_write_that_fails_removes_the_folders_it_made_and_leaves_nothing()
    {
        var root = TempFolder();
        var path = Path.Combine(root, "c", "out", "net.h");
        // The disk fills while the result is written.
        Assert.Throws<IOException>(() => AtomicFile.Write(path, temporary =>
        {
            File.WriteAllText(temporary, "partial");
            throw new IOException("No space left on device");
        }));
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
        // A folder that was there before stays.
        var existing = Directory.CreateDirectory(Path.Combine(root, "kept")).FullName;
        Assert.Throws<IOException>(() => AtomicFile.Write(Path.Combine(existing, "new", "x.c"), _ => throw new IOException("No space left on device")));
        Assert.Equal(new[] { Path.Combine(root, "kept") }, Directory.EnumerateFileSystemEntries(root));
        Assert.Empty(Directory.EnumerateFileSystemEntries(existing));
    }

    [Fact]
    public void A_write_removes_the_temporaries_of_dead_writers_and_keeps_those_of_live_ones()
    {
        var folder = TempFolder();
        var target = Path.Combine(folder, "m.qnn");
        var dead = Path.Combine(folder, ".m.qnn.tmp-2147483646-deadbeef.qnn");
        var alive = Path.Combine(folder, $".m.qnn.tmp-1-0123abcd.qnn");
        var mine = Path.Combine(folder, $".m.qnn.tmp-{Environment.ProcessId}-feedf00d.qnn");
        var otherTarget = Path.Combine(folder, ".n.qnn.tmp-2147483646-deadbeef.qnn");
        foreach (var file in new[] { dead, alive, mine, otherTarget })
            File.WriteAllBytes(file, Array.Empty<byte>());
        AtomicFile.WriteAllBytes(target, new byte[] { 1, 2, 3 });
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(alive));
        Assert.True(File.Exists(mine));
        Assert.True(File.Exists(otherTarget));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(target));
    }

    [Fact]
    public void A_temporary_name_carries_the_writers_process_id()
    {
        var name = Path.GetFileName(AtomicFile.TemporaryName("/tmp/x/model.qnn"));
        Assert.Matches($@"^\.model\.qnn\.tmp-{Environment.ProcessId}-[0-9a-f]{{8}}\.qnn$", name);
    }
}
