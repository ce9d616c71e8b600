namespace Qnn.Search.Spaces;

/// <summary>What a genome decodes to: a valid spec, or (with <see cref="Spec"/> null) an
/// infeasible candidate and <see cref="Problem"/>, why.</summary>
public sealed record Candidate(ModelSpec? Spec, string? Problem)
{
    /// <summary>Whether the genome gave a valid spec.</summary>
    public bool IsFeasible => Spec is not null;
}
