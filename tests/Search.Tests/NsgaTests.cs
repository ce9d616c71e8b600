using Qnn.Search.Genes;
using Qnn.Search.Optimization;
using Xunit;

namespace Qnn.Search.Tests;

public sealed class NsgaTests
{
    private static Evaluation F(double accuracy, double cost) => new(accuracy, cost, 0);

    [Fact]
    public void Population_takes_whole_fronts_then_cuts_the_last_by_crowding()
    {
        // Front 0 is 0, 1, 3, 8 (8 equals 1); front 1 is 2, 4. Crowding on front 0: 0 and 3 are
        // boundaries; 1 gets (0.8 − 0.7)/0.2 + (5 − 3)/7 ≈ 0.79 (ties by index put it before 8 by
        // accuracy and by cost), 8 gets (0.9 − 0.8)/0.2 + (10 − 5)/7 ≈ 1.21.
        Evaluation[] results =
        [
            F(0.90, 10), F(0.80, 5), F(0.85, 12), F(0.70, 3), F(0.75, 6), F(0.60, 8),
            new(0.95, 20, 0.5), new(0.99, 1, 2.0), F(0.80, 5),
        ];
        var five = NsgaII.Population(results, 5);
        Assert.Equal([0, 3, 8, 1, 2], five.Select(m => m.Index));
        Assert.Equal([0, 0, 0, 0, 1], five.Select(m => m.Rank));
        Assert.Equal(0.5 + 5.0 / 7, five[2].Crowding, 12);
        Assert.Equal(0.5 + 2.0 / 7, five[3].Crowding, 12);
        Assert.Equal([0, 3, 8], NsgaII.Population(results, 3).Select(m => m.Index));
        // Infeasible ones fill in last, by violation.
        Assert.Equal([6, 7], NsgaII.Population(results, 9).Skip(7).Select(m => m.Index));
    }

    [Fact]
    public void Tournament_prefers_the_lower_rank_then_the_larger_crowding()
    {
        NsgaII.Member[] ranks = [new(0, 1, double.PositiveInfinity), new(1, 0, 0.1)];
        NsgaII.Member[] crowding = [new(0, 0, 0.2), new(1, 0, 0.7)];
        for (var seed = 0; seed < 50; seed++)
        {
            Assert.Equal(1, NsgaII.Tournament(ranks, new Random(seed)).Index);
            Assert.Equal(1, NsgaII.Tournament(crowding, new Random(seed)).Index);
        }
    }

    [Fact]
    public void Same_seed_same_history_same_proposals()
    {
        var sampler = new NsgaII(OptimizationSyntheticProblem.Domains, 10);
        var a = OptimizationSyntheticProblem.Run(sampler, 120, seed: 7).Select(s => s.Genome.Key).ToList();
        var b = OptimizationSyntheticProblem.Run(sampler, 120, seed: 7).Select(s => s.Genome.Key).ToList();
        var c = OptimizationSyntheticProblem.Run(sampler, 120, seed: 8).Select(s => s.Genome.Key).ToList();
        Assert.Equal(120, a.Count);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // One proposal from a fixed history and a fixed random state, twice.
        var history = OptimizationSyntheticProblem.Run(sampler, 60, seed: 3);
        Assert.Equal(sampler.Propose(history, new Random(11)), sampler.Propose(history, new Random(11)));
    }

    [Fact]
    public void Never_proposes_a_genome_the_history_has_taken()
    {
        var history = OptimizationSyntheticProblem.Run(new NsgaII(OptimizationSyntheticProblem.Domains, 20), 600, seed: 5);
        Assert.Equal(600, history.Count);
        Assert.Equal(600, history.Select(s => s.Genome).Distinct().Count());
    }

    [Fact]
    public void Running_trials_are_taken_but_do_not_count_as_scored()
    {
        // Three scored trials and many running ones with population 4: still the random phase,
        // so the proposal is exactly what the random sampler proposes from the same state.
        var domains = OptimizationSyntheticProblem.Domains;
        var scored = OptimizationSyntheticProblem.Run(new RandomSampler(domains), 3, seed: 1);
        var running = OptimizationSyntheticProblem.Run(new RandomSampler(domains), 40, seed: 2)
            .Select(s => new Scored(s.Genome, null));
        var history = scored.Concat(running).ToList();
        for (var seed = 0; seed < 20; seed++)
            Assert.Equal(new RandomSampler(domains).Propose(history, new Random(seed)), new NsgaII(domains, 4).Propose(history, new Random(seed)));
    }

    [Fact]
    public void An_ordered_gene_mutates_one_or_two_steps()
    {
        // One ordered gene: a child copies one parent's value and then must change (it equals a
        // parent), so it lands 1 or 2 steps from 50 or 51 and is not taken: 48, 49, 52 or 53.
        GeneDomain[] domains = [new("units", 100, Ordered: true)];
        List<Scored> history = [new(new Genome([50]), F(0.8, 50)), new(new Genome([51]), F(0.9, 51))];
        var seen = new HashSet<int>();
        for (var seed = 0; seed < 200; seed++)
            seen.Add(new NsgaII(domains, 2).Propose(history, new Random(seed))![0]);
        Assert.Equal([48, 49, 52, 53], seen.Order());
    }

    [Fact]
    public void A_categorical_gene_takes_any_other_value()
    {
        GeneDomain[] domains = [new("activation", 6, Ordered: false)];
        List<Scored> history = [new(new Genome([0]), F(0.8, 50)), new(new Genome([5]), F(0.9, 51))];
        var seen = new HashSet<int>();
        for (var seed = 0; seed < 200; seed++)
            seen.Add(new NsgaII(domains, 2).Propose(history, new Random(seed))![0]);
        Assert.Equal([1, 2, 3, 4], seen.Order());
    }

    [Fact]
    public void A_tiny_space_is_proposed_whole_then_null()
    {
        GeneDomain[] domains = [new("a", 2, Ordered: true), new("b", 3, Ordered: false), new("c", 1, Ordered: true)];
        var history = OptimizationSyntheticProblem.Run(new NsgaII(domains, 2), 100, seed: 4,
            g => F(0.5 + 0.1 * g[0] + 0.05 * g[1], 1 + g[0] + g[1]));
        Assert.Equal(6, history.Count);
        Assert.Equal(6, history.Select(s => s.Genome).Distinct().Count());
        Assert.Null(new NsgaII(domains, 2).Propose(history, new Random(0)));
        // Running trials count as taken for exhaustion too.
        var running = history.Select(s => new Scored(s.Genome, null)).ToList();
        Assert.Null(new NsgaII(domains, 2).Propose(running, new Random(0)));
    }

    [Fact]
    public void A_huge_space_does_not_overflow_its_size()
    {
        var domains = Enumerable.Range(0, 40).Select(i => new GeneDomain($"g{i}", 1000, Ordered: i % 2 == 0)).ToArray();
        var history = OptimizationSyntheticProblem.Run(new NsgaII(domains, 4), 30, seed: 9,
            g => F(g.Genes.Average() / 1000, g.Genes.Sum()));
        Assert.Equal(30, history.Select(s => s.Genome).Distinct().Count());
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NsgaII(OptimizationSyntheticProblem.Domains, 1));
        Assert.Throws<ArgumentException>(() => new NsgaII([new GeneDomain("empty", 0, Ordered: false)], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NsgaII(OptimizationSyntheticProblem.Domains, 4) { CrossoverProbability = 1.5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NsgaII(OptimizationSyntheticProblem.Domains, 4) { MutationProbability = -0.1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NsgaII(OptimizationSyntheticProblem.Domains, 4) { MaxAttempts = -1 });
        var e = Assert.Throws<ArgumentException>(() =>
            new NsgaII(OptimizationSyntheticProblem.Domains, 4).Propose([new Scored(new Genome([1, 2]), null)], new Random(0)));
        Assert.Contains("6", e.Message);
        Assert.Throws<ArgumentException>(() =>
            new NsgaII(OptimizationSyntheticProblem.Domains, 4).Propose([new Scored(new Genome([8, 0, 0, 0, 0, 0]), null)], new Random(0)));
    }
}
