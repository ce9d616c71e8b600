using Qnn.Search.Genes;

namespace Qnn.Search.Optimization;

/// <summary>The baseline sampler (<c>--sampler random</c>): each proposal is a uniformly random
/// genome the history has not taken, so NSGA-II's benefit at the same budget is measurable.</summary>
/// <param name="domains">The space's genes; each needs at least one value.</param>
public sealed class RandomSampler(IReadOnlyList<GeneDomain> domains) : ISampler
{
    private readonly GenomeSpace space = new(domains);

    /// <inheritdoc />
    public Genome? Propose(IReadOnlyList<Scored> history, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return space.RandomUntaken(space.Taken(history), random);
    }
}
