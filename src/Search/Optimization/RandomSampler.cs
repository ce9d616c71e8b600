using Qnn.Search.Genes;

namespace Qnn.Search.Optimization;

/// <summary>The baseline sampler (<c>--sampler random</c>): each proposal is a uniformly random
/// genome the history has not taken, so NSGA-II's benefit at the same budget is measurable.</summary>
/// <param name="domains">The space's genes; each needs at least one value.</param>
public sealed class RandomSampler(IReadOnlyList<GeneDomain> domains) : ISampler
{
    private GenomeSpace space = new(domains);

    /// <summary>Optional: maps a genome to the representative of all genomes that decode to the
    /// same model, as <see cref="NsgaII.Canonical"/> does. Proposals are then representatives
    /// (a random genome's representative, so candidates with many genomes are drawn more often).</summary>
    public Func<Genome, Genome>? Canonical
    {
        get;
        init
        {
            field = value;
            space = new GenomeSpace(space.Domains, value);
        }
    }

    /// <inheritdoc />
    public Genome? Propose(IReadOnlyList<Scored> history, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return space.RandomUntaken(space.Taken(history), random);
    }
}
