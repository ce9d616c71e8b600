using System.Text.Json;
using System.Text.Json.Serialization;
using Qnn.Search.Genes;
using Qnn.Search.Trials;

namespace Qnn.Search.Storage;

/// <summary>How trial fields are written in the store's text columns: states as lower-case words,
/// genes and folds as JSON arrays (doubles round-trip exactly).</summary>
internal static class TrialJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string StateName(TrialState state) => state switch
    {
        TrialState.Running => "running",
        TrialState.Complete => "complete",
        TrialState.Failed => "failed",
        TrialState.Infeasible => "infeasible",
        TrialState.Queued => "queued",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not a trial state"),
    };

    public static TrialState ParseState(string name) => name switch
    {
        "running" => TrialState.Running,
        "complete" => TrialState.Complete,
        "failed" => TrialState.Failed,
        "infeasible" => TrialState.Infeasible,
        "queued" => TrialState.Queued,
        _ => throw new StudyStoreException($"the study store holds a trial in an unknown state '{name}'"),
    };

    public static string WriteGenes(Genome genome) => JsonSerializer.Serialize(genome.Genes, Options);

    public static string WriteFolds(IReadOnlyList<double> folds) => JsonSerializer.Serialize(folds, Options);

    public static IReadOnlyList<double> ReadFolds(string json) =>
        JsonSerializer.Deserialize<double[]>(json, Options) ?? Array.Empty<double>();
}
