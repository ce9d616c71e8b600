using System.Text.Json;
using System.Text.Json.Nodes;
using Qnn.Search.Trials;

namespace Qnn.Search;

/// <summary>
/// A study as JSON: <c>{study, space, dataset, sampler, cost, target, max_flash, max_ram, provenance,
/// trials: [T…], front: [T…]}</c> (<c>provenance</c>: how its candidates train, as the study records
/// it; null for older studies; <c>target</c> and its limits null without a device) with each T =
/// <c>{number, state, accuracy, accuracy_std, folds: […], costs: {complexity, bitops, bytes, and
/// with a target flash, ram, instructions}, seconds, worker, spec}</c>. Accuracies are fractions (as <c>qnn train --json</c>
/// writes them); <c>spec</c> is the candidate's spec object (the form <c>qnn train --model</c>
/// reads), null for an infeasible one, whose <c>error</c> says why.
/// </summary>
public static class StudyReport
{
    /// <summary>The report as indented JSON text.</summary>
    public static string Json(string study, string spaceJson, string dataset, string sampler, string cost,
        IReadOnlyList<Trial> trials, IReadOnlyList<Trial> front, string? provenance = null, string? target = null, long? maxFlash = null, long? maxRam = null)
    {
        var report = new JsonObject
        {
            ["study"] = study,
            ["space"] = JsonNode.Parse(spaceJson),
            ["dataset"] = dataset,
            ["sampler"] = sampler,
            ["cost"] = cost,
            ["target"] = target,
            ["max_flash"] = maxFlash,
            ["max_ram"] = maxRam,
            ["provenance"] = provenance is null ? null : JsonNode.Parse(provenance),
            ["trials"] = new JsonArray(trials.Select(Trial).ToArray<JsonNode?>()),
            ["front"] = new JsonArray(front.Select(Trial).ToArray<JsonNode?>()),
        };
        return report.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>One trial as a JSON object.</summary>
    public static JsonObject Trial(Trial t) => new()
    {
        ["number"] = t.Number,
        ["state"] = t.State.ToString().ToLowerInvariant(),
        ["accuracy"] = t.Accuracy,
        ["accuracy_std"] = t.AccuracyStd,
        ["folds"] = new JsonArray(t.Folds.Select(f => (JsonNode?)f).ToArray()),
        ["costs"] = t.Costs is { } c ? Costs(c) : null,
        ["seconds"] = t.Seconds,
        ["worker"] = t.Worker,
        ["error"] = t.Error,
        ["spec"] = t.SpecJson is null ? null : JsonNode.Parse(t.SpecJson),
    };

    /// <summary>A trial's costs; the device costs where the study has a target.</summary>
    private static JsonObject Costs(TrialCosts c)
    {
        var costs = new JsonObject { ["complexity"] = c.Complexity, ["bitops"] = c.Bitops, ["bytes"] = c.Bytes };
        if (c.Flash is not null)
        {
            costs["flash"] = c.Flash;
            costs["ram"] = c.Ram;
            costs["instructions"] = c.Instructions;
        }
        return costs;
    }
}
