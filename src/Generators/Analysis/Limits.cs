namespace Qnn.Generators.Analysis;

/// <summary>
/// The size limits a model must stay within (QNN014). The generator targets netstandard2.0 and
/// cannot load the F# core, so this is its copy of <c>Qnn.Limits</c>; the consistency test
/// compares the two.
/// </summary>
public static class Limits
{
    /// <summary>The longest model name, in UTF-16 characters.</summary>
    public const int MaxNameLength = 256;

    /// <summary>The most parameters (weights and BatchNorm γ and β) a model may have: 2^31 - 1.</summary>
    public const long MaxParameters = 2147483647L;

    /// <summary>The most activation values one sample may produce at any stage: 2^28.</summary>
    public const long MaxActivationsPerSample = 268435456L;
}
