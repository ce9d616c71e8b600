namespace Qnn.Search.Storage;

/// <summary>A study of this name exists with a different setting that changes what its trials
/// mean (space, dataset, sampler, cost, folds or epochs), so continuing it would mix results.
/// <see cref="Field"/> names the setting as its flag does (e.g. "dataset").</summary>
public sealed class StudyMismatchException : Exception
{
    /// <summary>A mismatch in <paramref name="field"/> of study <paramref name="study"/>.</summary>
    public StudyMismatchException(string study, string field, string stored, string wanted)
        : base($"study '{study}' was created with {field} {stored}, but this search asks for {wanted}; " +
               $"use the same --{field} to continue it, or another --study to start a new one")
    {
        Study = study;
        Field = field;
    }

    /// <summary>The study's name.</summary>
    public string Study { get; }

    /// <summary>The setting that differs: space, dataset, sampler, cost, folds or epochs.</summary>
    public string Field { get; }
}
