using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>A saved model file is validated on load: a clear error and exit 3 for a bad one.</summary>
public class SavedModelTests
{
    private static string SaveOne()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var path = Path.Combine(Directory.CreateTempSubdirectory("qnn-model-").FullName, "model.qnn");
        Assert.Equal(0, Cli.Run(data, "train", "--epochs", "2", "--save", path).ExitCode);
        return path;
    }

    private static void AssertBad(string path, string fragment)
    {
        var result = Cli.Run(Cli.DataRoot, "eval", "--load", path);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains(fragment, result.Error);
    }

    [SkippableFact]
    public void Not_a_model_file()
    {
        var path = SaveOne();
        var bytes = File.ReadAllBytes(path);
        bytes[0] = (byte)'X';
        File.WriteAllBytes(path, bytes);
        AssertBad(path, "not a qnn model file");
    }

    [SkippableFact]
    public void Unknown_format_version()
    {
        var path = SaveOne();
        var bytes = File.ReadAllBytes(path);
        bytes[8] = 9;
        File.WriteAllBytes(path, bytes);
        AssertBad(path, "model format version 9; this qnn reads versions 1 to 2");
    }

    [SkippableFact]
    public void Truncated_weights()
    {
        var path = SaveOne();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        AssertBad(path, "model.qnn:");
    }

    [SkippableFact]
    public void Truncated_header()
    {
        var path = SaveOne();
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..20]);
        AssertBad(path, "truncated");
    }

    [Fact]
    public void Missing_file() => AssertBad("/nonexistent/model.qnn", "/nonexistent/model.qnn: no such file");

    [SkippableFact]
    public void Inspect_reads_a_saved_model()
    {
        var path = SaveOne();
        var result = Cli.Run(null, "inspect", "--load", path);
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("VertebralMlp (MLP), input 6", result.Output);
    }

    /// <summary>A saved file's parts: the spec and info JSON, and the state dict's bytes.</summary>
    private sealed record Parts(string Spec, string Info, byte[] Weights);

    private static Parts Split(byte[] file)
    {
        using var reader = new BinaryReader(new MemoryStream(file));
        reader.ReadBytes(8);
        Assert.Equal(2, reader.ReadInt32());
        var spec = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadInt32()));
        var info = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadInt32()));
        var weights = reader.ReadBytes(file.Length - (int)reader.BaseStream.Position - 8);
        return new Parts(spec, info, weights);
    }

    /// <summary>The file as qnn writes it: version 2 ends in END! and a CRC-32C; version 1 has neither.</summary>
    private static byte[] Join(Parts parts, int version = 2)
    {
        using var content = new MemoryStream();
        using (var writer = new BinaryWriter(content, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("QNNMODEL"u8);
            writer.Write(version);
            var spec = Encoding.UTF8.GetBytes(parts.Spec);
            writer.Write(spec.Length);
            writer.Write(spec);
            var info = Encoding.UTF8.GetBytes(parts.Info);
            writer.Write(info.Length);
            writer.Write(info);
            writer.Write(parts.Weights);
            if (version >= 2)
                writer.Write("END!"u8);
        }
        var bytes = content.ToArray();
        return version >= 2 ? bytes.Concat(BitConverter.GetBytes(Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, bytes))).ToArray() : bytes;
    }

    private static string Rewrite(string path, Func<Parts, Parts> change, int version = 2)
    {
        File.WriteAllBytes(path, Join(change(Split(File.ReadAllBytes(path))), version));
        return path;
    }

    private static Parts WithInfo(Parts parts, string field, JsonNode? value)
    {
        var info = JsonNode.Parse(parts.Info)!.AsObject();
        info[field] = value;
        return parts with { Info = info.ToJsonString() };
    }

    [SkippableFact]
    public void The_test_helpers_rebuild_a_saved_file_byte_for_byte()
    {
        var path = SaveOne();
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(bytes, Join(Split(bytes)));
    }

    [SkippableFact]
    public void A_flipped_weight_byte_is_caught_by_the_checksum()
    {
        var path = SaveOne();
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length - 200] ^= 0x04;
        File.WriteAllBytes(path, bytes);
        AssertBad(path, "checksum mismatch");
    }

    [SkippableFact]
    public void Bytes_after_the_end_are_refused()
    {
        var path = SaveOne();
        File.WriteAllBytes(path, File.ReadAllBytes(path).Concat(new byte[] { 1, 2, 3 }).ToArray());
        AssertBad(path, "model.qnn:");
        var v1 = SaveOne();
        Rewrite(v1, p => p, version: 1);
        File.WriteAllBytes(v1, File.ReadAllBytes(v1).Concat(new byte[] { 7 }).ToArray());
        AssertBad(v1, "1 bytes follow the model's weights");
    }

    [SkippableFact]
    public void A_version_1_file_still_loads()
    {
        var path = Rewrite(SaveOne(), p => p, version: 1);
        var result = Cli.Run(Cli.DataRoot, "eval", "--load", path);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("accuracy", result.Output);
    }

    [SkippableFact]
    public void A_file_saved_before_training_records_loads_and_says_its_training_is_unknown()
    {
        var path = Rewrite(SaveOne(), p => p with { Info = JsonNode.Parse(p.Info)!.AsObject().Also(o => o.Remove("Provenance")).ToJsonString() });
        Assert.DoesNotContain("Provenance", Split(File.ReadAllBytes(path)).Info);
        foreach (var command in new[] { "eval", "inspect" })
        {
            var result = Cli.Run(Cli.DataRoot, command, "--load", path);
            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Contains("how it was trained: unknown (saved by a qnn before training records)", result.Output);
        }
        var like = Cli.Run(Cli.DataRoot, "train", "--like", path);
        Assert.Equal(3, like.ExitCode);
        Assert.Contains($"{path}: this saved model does not record how it was trained", like.Error);
    }

    [SkippableFact]
    public void A_saved_model_records_how_its_run_was_trained()
    {
        var info = JsonNode.Parse(Split(File.ReadAllBytes(SaveOne())).Info)!.AsObject();
        var provenance = info["Provenance"]!.AsObject();
        Assert.Equal(2, (int)provenance["training"]!["epochs"]!);
        Assert.Equal(42, (int)provenance["training"]!["seed"]!);
        Assert.Equal(248, (int)provenance["data"]!["train_samples"]!);
    }

    [SkippableFact]
    public void A_corrupt_training_record_is_a_data_error_naming_the_field()
    {
        var path = Rewrite(SaveOne(), p => p with { Info = JsonNode.Parse(p.Info)!.AsObject().Also(o => o["Provenance"]!["threads"] = 0).ToJsonString() });
        AssertBad(path, "the model's info block is corrupt (provenance.threads: expected an integer of at least 1, found 0)");
    }

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(2_000_000_000)]
    public void An_evaluation_batch_size_out_of_range_is_refused(int batch)
    {
        var path = Rewrite(SaveOne(), p => WithInfo(p, "EvaluationBatchSize", batch));
        AssertBad(path, $"the evaluation batch size is {batch}; it must be 1..");
    }

    [SkippableFact]
    public void Class_names_that_do_not_match_the_outputs_are_refused()
    {
        var path = Rewrite(SaveOne(), p => WithInfo(p, "ClassNames", new JsonArray("a", "b")));
        AssertBad(path, "the info names 2 classes for a model with 3 outputs");
    }

    [SkippableFact]
    public void A_stored_spec_that_breaks_a_rule_is_a_data_error()
    {
        var path = Rewrite(SaveOne(), p => p with { Spec = JsonNode.Parse(p.Spec)!.AsObject().Also(o => o["dropout"] = 1.5).ToJsonString() });
        AssertBad(path, "the stored spec breaks the model rules");
    }
}

internal static class JsonObjectExtensions
{
    /// <summary>Applies a change to the object and returns it (for one-expression edits in tests).</summary>
    public static JsonObject Also(this JsonObject o, Action<JsonObject> change)
    {
        change(o);
        return o;
    }
}
