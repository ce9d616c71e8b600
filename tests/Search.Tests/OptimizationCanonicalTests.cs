using Qnn.Search.Genes;
using Qnn.Search.Optimization;
using Xunit;

namespace Qnn.Search.Tests;

public sealed class OptimizationCanonicalTests
{
    // Layers (1 or 2), then the units of layer 1 and of layer 2. With one layer the second
    // units gene means nothing, so its representative sets it to 0: 3 + 9 = 12 candidates among
    // 18 genomes.
    private static readonly GeneDomain[] Domains =
        [new("layers", 2, Ordered: true), new("units[0]", 3, Ordered: true), new("units[1]", 3, Ordered: true)];

    private static Genome Canonical(Genome g) => g[0] == 0 ? new Genome([0, g[1], 0]) : g;

    private static Evaluation Evaluate(Genome g) => new(0.5 + 0.1 * (g[0] + g[1] + g[2]), 1 + g[0] + g[1] + g[2], 0);

    public static TheoryData<string> Samplers => new() { "nsga2", "random" };

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Each_candidate_is_proposed_once_as_its_representative_then_null(string kind)
    {
        ISampler sampler = kind == "nsga2"
            ? new NsgaII(Domains, 2) { Canonical = Canonical }
            : new RandomSampler(Domains) { Canonical = Canonical };
        // A running trial under a non-representative genome takes its candidate, 0,1,0.
        List<Scored> history = [new(new Genome([0, 1, 2]), null)];
        var random = new Random(3);
        while (sampler.Propose(history, random) is { } genome)
        {
            history.Add(new Scored(genome, Evaluate(genome)));
            Assert.True(history.Count <= 20, "the sampler keeps proposing");
        }
        var proposed = history.Skip(1).Select(s => s.Genome).ToList();
        Assert.Equal(11, proposed.Count);
        Assert.Equal(11, proposed.Distinct().Count());
        Assert.All(proposed, g => Assert.Equal(Canonical(g), g));
        Assert.DoesNotContain(new Genome([0, 1, 0]), proposed);
    }

    [Fact]
    public void A_canonical_map_that_leaves_the_space_is_refused()
    {
        var sampler = new RandomSampler(Domains) { Canonical = g => new Genome([g[0], g[1]]) };
        Assert.Throws<ArgumentException>(() => sampler.Propose([], new Random(0)));
    }
}
