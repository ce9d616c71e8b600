using Qnn.Search.Genes;

namespace Qnn.Search.Optimization;

/// <summary>Proposes the next candidate of a steady-state study: workers ask for one genome at a
/// time and report asynchronously, so every call sees the whole history so far.</summary>
public interface ISampler
{
    /// <summary>A genome not in <paramref name="history"/> (by value), or null when the space has
    /// none left. Deterministic given <paramref name="random"/>'s state and
    /// <paramref name="history"/>'s order; <paramref name="random"/> is the only source of
    /// randomness.</summary>
    Genome? Propose(IReadOnlyList<Scored> history, Random random);
}
