using Qnn.Search.Genes;
using Qnn.Search.Optimization;
using Xunit;

namespace Qnn.Search.Tests;

public sealed class OptimizationRandomSamplerTests
{
    [Fact]
    public void Proposes_every_genome_of_a_tiny_space_once_then_null()
    {
        GeneDomain[] domains = [new("a", 3, Ordered: true), new("b", 4, Ordered: false)];
        var history = OptimizationSyntheticProblem.Run(new RandomSampler(domains), 100, seed: 2,
            g => new Evaluation(0.5, 1, 0));
        Assert.Equal(12, history.Count);
        Assert.Equal(12, history.Select(s => s.Genome).Distinct().Count());
        Assert.All(history, s => Assert.InRange(s.Genome[0], 0, 2));
        Assert.All(history, s => Assert.InRange(s.Genome[1], 0, 3));
    }

    [Fact]
    public void Finds_the_last_untaken_genome_of_a_nearly_exhausted_space()
    {
        // 4096 genomes, all taken but one: random draws almost surely miss, so the ordered
        // fallback has to find it.
        GeneDomain[] domains = Enumerable.Range(0, 12).Select(i => new GeneDomain($"g{i}", 2, Ordered: false)).ToArray();
        var last = new Genome([1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1]);
        var history = Enumerable.Range(0, 4096)
            .Select(n => new Genome(Enumerable.Range(0, 12).Select(b => (n >> (11 - b)) & 1)))
            .Where(g => !g.Equals(last))
            .Select(g => new Scored(g, null))
            .ToList();
        Assert.Equal(last, new RandomSampler(domains).Propose(history, new Random(1)));
    }

    [Fact]
    public void Same_seed_same_proposals()
    {
        var a = OptimizationSyntheticProblem.Run(new RandomSampler(OptimizationSyntheticProblem.Domains), 50, seed: 3);
        var b = OptimizationSyntheticProblem.Run(new RandomSampler(OptimizationSyntheticProblem.Domains), 50, seed: 3);
        Assert.Equal(a.Select(s => s.Genome), b.Select(s => s.Genome));
    }
}
