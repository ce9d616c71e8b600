using System.Text.Json.Serialization;
using Qnn.Host.Cli;
using Qnn.Host.Data;

namespace Qnn.Host.Persistence;

/// <summary>
/// How a result was made: every field of the training configuration, the data (its name, where it
/// came from, a table's split and the sample counts), torch's thread count, and the qnn that made
/// it (version and, where the build knew it, the source commit). `qnn train --json` results, saved
/// models and search studies carry one; `qnn train --like FILE` trains again from it. JSON form:
/// <see cref="ProvenanceJson"/>.
/// </summary>
[JsonConverter(typeof(ProvenanceJsonConverter))]
public sealed record Provenance(TrainConfig Training, DataProvenance Data, int Threads, string QnnVersion, string? SourceCommit)
{
    /// <summary>The provenance of training with <paramref name="training"/> on <paramref name="data"/>
    /// (after it was fitted to the model: <paramref name="trainSamples"/>, <paramref name="testSamples"/>) by this qnn.</summary>
    public static Provenance Of(TrainConfig training, LoadedData data, int trainSamples, int testSamples, int threads) =>
        new(training, new DataProvenance(data.Name, data.Source, data.Split, trainSamples, testSamples), threads, BuildInfo.Version, BuildInfo.Commit);
}

/// <summary>The data a result was trained and tested on. <paramref name="Split"/> is a table's
/// seeded split, null for image data sets (their files' own split).</summary>
public sealed record DataProvenance(string DataSet, string Source, TableSplit? Split, int TrainSamples, int TestSamples);
