using System.Text.Json.Nodes;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>Every result says how it was made (the whole training configuration, the data, the
/// threads, qnn's version and commit), and `qnn train --like FILE` trains it again: on the CPU to
/// the last digit, with flags given on the command line in place of the record's.</summary>
public class ProvenanceTests
{
    private static string Folder() => Directory.CreateTempSubdirectory("qnn-provenance-").FullName;

    private static CliResult Train(params string[] args)
    {
        var result = Cli.Run(Cli.RequireData("vertebral/column_3C.dat"), new[] { "train" }.Concat(args).ToArray());
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        return result;
    }

    private static JsonObject Json(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();

    [SkippableFact]
    public void A_json_result_records_every_training_setting_the_data_and_the_qnn()
    {
        var folder = Folder();
        var json = Path.Combine(folder, "r.json");
        Train("--epochs", "2", "--batch-size", "16", "--optimizer", "sgd", "--momentum", "0.8", "--cosine", "--patience", "0",
            "--stop-on", "train", "--restore-best", "off", "--clip-latent", "off", "--seed", "5", "--threads", "1", "--json", json);
        var result = Json(json);
        Assert.Equal("VertebralMlp", (string?)result["spec"]!["name"]);
        var provenance = result["provenance"]!.AsObject();
        var training = provenance["training"]!.AsObject();
        var expected = new JsonObject
        {
            ["epochs"] = 2, ["batch_size"] = 16, ["learning_rate"] = 0.01, ["weight_decay"] = 0.0001, ["optimizer"] = "sgd",
            ["momentum"] = 0.8, ["cosine_schedule"] = true, ["patience"] = null, ["stop_on"] = "train_loss", ["restore_best"] = false,
            ["seed"] = 5, ["validation_split"] = 0, ["augmentation"] = null, ["clip_latent_weights"] = false, ["recalibrate_batch_norm"] = true, ["one_thread_for_small_models"] = true,
            ["device"] = "cpu",
        };
        Assert.True(JsonNode.DeepEquals(expected, training), training.ToJsonString());
        var data = provenance["data"]!.AsObject();
        Assert.Equal("vertebral", (string?)data["dataset"]);
        Assert.EndsWith(Path.Combine("vertebral", "column_3C.dat"), (string?)data["source"]);
        Assert.Equal(42, (int)data["split_seed"]!);
        Assert.Equal(0.2, (double)data["test_fraction"]!);
        Assert.Null(data["label_column"]);
        Assert.Equal(248, (int)data["train_samples"]!);
        Assert.Equal(62, (int)data["test_samples"]!);
        Assert.Equal(1, (int)provenance["threads"]!);
        Assert.Equal(Qnn.Host.Cli.BuildInfo.Version, (string?)provenance["qnn_version"]);
        Assert.Equal(Qnn.Host.Cli.BuildInfo.Commit, (string?)provenance["source_commit"]);
        Assert.Matches("^[0-9a-f]{40}(-dirty)?$", (string?)provenance["source_commit"]);
    }

    [SkippableFact]
    public void Like_a_json_result_reproduces_every_run_to_the_last_digit()
    {
        var folder = Folder();
        var (first, again) = (Path.Combine(folder, "first.json"), Path.Combine(folder, "again.json"));
        Train("--epochs", "4", "--runs", "2", "--seed", "3", "--lr", "0.02", "--split-seed", "7", "--json", first);
        var retrained = Train("--like", first, "--json", again);
        Assert.Contains($"training again as {first} records it (made by qnn {Qnn.Host.Cli.BuildInfo.Version}", retrained.Output);
        Assert.Contains("training VertebralMlp on vertebral (248 train, 62 test samples): 4 epochs, batch 32, lr 0.02, weight decay 0.0001, patience 10, 2 runs, seed 3", retrained.Output);
        var (a, b) = (Json(first), Json(again));
        Assert.Equal(a["accuracies"]!.ToJsonString(), b["accuracies"]!.ToJsonString());
        Assert.Equal(a["epochs_run"]!.ToJsonString(), b["epochs_run"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(a["provenance"], b["provenance"]), b["provenance"]!.ToJsonString());
        Assert.Equal(7, (int)b["provenance"]!["data"]!["split_seed"]!);
    }

    [SkippableFact]
    public void A_validation_split_is_said_recorded_and_trained_again_with_like()
    {
        var folder = Folder();
        var (first, again) = (Path.Combine(folder, "first.json"), Path.Combine(folder, "again.json"));
        var trained = Train("--epochs", "3", "--validation-split", "0.25", "--json", first);
        Assert.Contains("patience 10 on a validation split of 0.25 of the training set, 1 run, seed 42", trained.Output);
        Assert.Equal(0.25, (double)Json(first)["provenance"]!["training"]!["validation_split"]!);
        Train("--like", first, "--json", again);
        Assert.Equal(Json(first)["accuracies"]!.ToJsonString(), Json(again)["accuracies"]!.ToJsonString());
        Assert.Equal(0.25, (double)Json(again)["provenance"]!["training"]!["validation_split"]!);
        var refused = Cli.Run(Cli.DataRoot, "train", "--validation-split", "1");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--validation-split needs a non-negative number below 1, got '1'", refused.Error);
    }

    [SkippableFact]
    public void Image_augmentation_is_said_and_recorded_and_refused_for_features()
    {
        var data = Cli.RequireData("mnist/train-images-idx3-ubyte.gz");
        var json = Path.Combine(Folder(), "r.json");
        var trained = Cli.Run(data, "train", "--model", "MiniMnistCnn", "--dataset", "mini-mnist", "--epochs", "1", "--batch-size", "128",
            "--augment-shift", "2", "--augment-rotate", "10", "--json", json);
        Assert.True(trained.ExitCode == 0, trained.Error + trained.Output);
        Assert.Contains(", images shifted up to 2 pixels and rotated up to 10°, 1 run, seed 42", trained.Output);
        var augmentation = Json(json)["provenance"]!["training"]!["augmentation"]!;
        Assert.Equal(2, (int)augmentation["max_shift"]!);
        Assert.Equal(10.0, (double)augmentation["max_rotation"]!);
        var refused = Cli.Run(Cli.DataRoot, "train", "--augment-shift", "1");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("qnn train: --augment-shift and --augment-rotate move images; VertebralMlp takes features", refused.Error);
    }

    [SkippableFact]
    public void Like_a_saved_model_trains_that_run_again_from_its_own_seed()
    {
        var folder = Folder();
        var (model, json) = (Path.Combine(folder, "m.qnn"), Path.Combine(folder, "again.json"));
        var first = Train("--epochs", "3", "--runs", "3", "--save", model);
        var saved = System.Text.RegularExpressions.Regex.Match(first.Output, @"saved run (\d) \(accuracy ([0-9.]+)%\)");
        Assert.True(saved.Success, first.Output);
        var again = Train("--like", model, "--json", json);
        var result = Json(json);
        Assert.Equal(1, (int)result["runs"]!);
        Assert.Equal(41 + int.Parse(saved.Groups[1].Value), (int)result["seed"]!);
        Assert.Equal(saved.Groups[2].Value, (100 * (double)result["max"]!).ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains($"max {saved.Groups[2].Value}%", again.Output);
    }

    [SkippableFact]
    public void Flags_given_with_like_override_the_record_and_the_rest_is_kept()
    {
        var folder = Folder();
        var (first, again) = (Path.Combine(folder, "first.json"), Path.Combine(folder, "again.json"));
        Train("--epochs", "2", "--optimizer", "sgd", "--momentum", "0.5", "--weight-decay", "0.001", "--json", first);
        var result = Train("--like", first, "--epochs", "3", "--momentum", "0.7", "--json", again);
        Assert.Contains("given here: --epochs, --momentum", result.Output);
        var training = Json(again)["provenance"]!["training"]!;
        Assert.Equal(3, (int)training["epochs"]!);
        Assert.Equal("sgd", (string?)training["optimizer"]);
        Assert.Equal(0.7, (double)training["momentum"]!);
        Assert.Equal(0.001, (double)training["weight_decay"]!);
        var adam = Cli.Run(Cli.DataRoot, "train", "--like", first, "--optimizer", "adam", "--momentum", "0.7");
        Assert.Equal(2, adam.ExitCode);
        Assert.Contains("--momentum applies to --optimizer sgd", adam.Error);
    }

    [SkippableFact]
    public void Eval_and_inspect_print_how_a_saved_model_was_trained()
    {
        var model = Path.Combine(Folder(), "m.qnn");
        Train("--epochs", "2", "--seed", "9", "--save", model);
        foreach (var command in new[] { "eval", "inspect" })
        {
            var result = Cli.Run(Cli.DataRoot, command, "--load", model);
            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Contains("how it was trained (qnn train --like FILE trains it again):", result.Output);
            Assert.Contains($"  made by qnn {Qnn.Host.Cli.BuildInfo.Version} (commit {Qnn.Host.Cli.BuildInfo.Commit}), ", result.Output);
            Assert.Contains("  data: vertebral from ", result.Output);
            Assert.Contains(", 248 train and 62 test samples, split seed 42, test fraction 0.2", result.Output);
            Assert.Contains("  training: 2 epochs, batch 32, adam, lr 0.01, weight decay 0.0001, patience 10 on validation loss, seed 9", result.Output);
            Assert.Contains("  restore best on, clip latent on, BatchNorm recalibration on, one thread for small models on", result.Output);
        }
    }

    [SkippableFact]
    public void A_record_from_another_data_set_size_is_trained_with_a_note()
    {
        var folder = Folder();
        var first = Path.Combine(folder, "first.json");
        Train("--epochs", "1", "--json", first);
        var record = Json(first);
        record["provenance"]!["data"]!["train_samples"] = 9999;
        File.WriteAllText(first, record.ToJsonString());
        var result = Cli.Run(Cli.DataRoot, "train", "--like", first);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"qnn: note: {first} was trained on 9999 train and 62 test samples of vertebral", result.Error);
        Assert.Contains("this vertebral has 248 and 62", result.Error);
    }

    [Theory]
    [InlineData("{}", "does not record how it was trained")]
    [InlineData("[1, 2]", "expected the object `qnn train --json` writes")]
    [InlineData("not json", "not a readable training record")]
    public void A_file_that_records_no_training_is_a_data_error(string content, string message)
    {
        var path = Path.Combine(Folder(), "r.json");
        File.WriteAllText(path, content);
        var result = Cli.Run(Cli.DataRoot, "train", "--like", path);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [SkippableTheory]
    [InlineData("epochs", "0", "$.provenance.training.epochs: 0; it must be at least 1")]
    [InlineData("device", "\"tpu\"", "$.provenance.training.device: \"tpu\" is not a device; expected cpu, cuda or cuda:N")]
    [InlineData("seeds", "1", "$.provenance.training.seeds: unknown field")]
    public void A_record_with_a_bad_field_is_refused_naming_it(string field, string value, string message)
    {
        var path = Path.Combine(Folder(), "r.json");
        Train("--epochs", "1", "--json", path);
        var record = Json(path);
        record["provenance"]!["training"]![field] = JsonNode.Parse(value);
        File.WriteAllText(path, record.ToJsonString());
        var result = Cli.Run(Cli.DataRoot, "train", "--like", path);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [SkippableFact]
    public void Like_refuses_to_be_overwritten_by_its_own_result()
    {
        var path = Path.Combine(Folder(), "r.json");
        Train("--epochs", "1", "--json", path);
        var before = File.ReadAllText(path);
        var result = Cli.Run(Cli.DataRoot, "train", "--like", path, "--json", path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--json {path} would overwrite --like {path}", result.Error);
        Assert.Equal(before, File.ReadAllText(path));
    }
}
