namespace Qnn.Search.Storage;

/// <summary>A study of this name exists with a different setting that changes what its trials
/// mean (space, dataset, sampler, cost, folds, epochs, validation split, device target or its limits), so continuing it would mix results.
/// <see cref="Field"/> names the setting as its flag does (e.g. "dataset").</summary>
public sealed class StudyMismatchException : Exception
{
    /// <summary>A mismatch in <paramref name="field"/> of study <paramref name="study"/>: stored
    /// <paramref name="stored"/>, asked for <paramref name="wanted"/> (null: values too long to show,
    /// like a search space's JSON).</summary>
    public StudyMismatchException(string study, string field, string? stored, string? wanted)
        : base((stored is null || wanted is null
                   ? $"study '{study}' was created with a different --{field} than this search's"
                   : $"study '{study}' was created with --{field} {stored}, but this search has --{field} {wanted}") +
               $"; continue it with the same --{field}, or start a new study with another --study")
    {
        Study = study;
        Field = field;
    }

    /// <summary>The study's name.</summary>
    public string Study { get; }

    /// <summary>The setting that differs: space, dataset, sampler, cost, folds, epochs, target, max-flash, max-ram or validation-split.</summary>
    public string Field { get; }
}
