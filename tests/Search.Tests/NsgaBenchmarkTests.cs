using Qnn.Search.Optimization;
using Xunit;
using Xunit.Abstractions;

namespace Qnn.Search.Tests;

public sealed class NsgaBenchmarkTests(ITestOutputHelper output)
{
    private const int Budget = 300;
    private const int Population = 20;
    private static readonly int[] Seeds = [1, 2, 3, 4, 5];

    // Population 20, 300 evaluations, 5 seeds, hypervolume with reference (accuracy 0.5, the
    // space's largest cost) on a log cost axis — as docs/search.md's vertebral comparison does.

    private static double Fraction(List<Scored> history) =>
        OptimizationSyntheticProblem.Hypervolume(history.Select(s => s.Result!)) / OptimizationSyntheticProblem.TrueHypervolume;

    private static int Found(List<Scored> history) =>
        history.Select(s => (s.Result!.Accuracy, s.Result.Cost)).Distinct().Count(OptimizationSyntheticProblem.TrueFront.Contains);

    [Fact]
    public void Nsga_reaches_most_of_the_true_front_and_beats_random_search_on_average()
    {
        var nsga = new List<double>();
        var random = new List<double>();
        var (nsgaFound, randomFound) = (0, 0);
        foreach (var seed in Seeds)
        {
            var nsgaRun = OptimizationSyntheticProblem.Run(new NsgaII(OptimizationSyntheticProblem.Domains, Population), Budget, seed);
            var randomRun = OptimizationSyntheticProblem.Run(new RandomSampler(OptimizationSyntheticProblem.Domains), Budget, seed);
            var (n, r) = (Fraction(nsgaRun), Fraction(randomRun));
            output.WriteLine($"seed {seed}: NSGA-II {n:F4}, random {r:F4} of the true hypervolume; true-front points found: NSGA-II {Found(nsgaRun)}, random {Found(randomRun)} of {OptimizationSyntheticProblem.TrueFront.Count}");
            nsgaFound += Found(nsgaRun);
            randomFound += Found(randomRun);
            nsga.Add(n);
            random.Add(r);
        }
        output.WriteLine($"mean: NSGA-II {nsga.Average():F4}, random {random.Average():F4}; true {OptimizationSyntheticProblem.TrueHypervolume:F6}");
        // Measured: NSGA-II 0.973–0.992 (mean 0.985), random 0.898–0.928 (mean 0.910); true-front
        // points found 139 vs 16 of 5 × 43. Random search reaches 0.90–0.93 here (the log-cost area near the reference is easy), so
        // the bar for NSGA-II is 0.95 on every seed and a clear lead on average.
        Assert.All(nsga, f => Assert.InRange(f, 0.95, 1.0 + 1e-12));
        Assert.True(nsga.Average() > random.Average() + 0.04, $"NSGA-II {nsga.Average():F4} vs random {random.Average():F4}");
        Assert.True(nsgaFound > 3 * randomFound, $"true-front points found: NSGA-II {nsgaFound}, random {randomFound}");
    }
    [Fact]
    public void Under_constraints_NSGA_finds_the_feasible_front()
    {
        // --min-accuracy 0.85 and --max-cost 40, the violation each relative to its bound.
        // Only a small corner of the space is feasible; infeasible trials still steer the search
        // toward it through constraint domination (smaller violation wins).
        static Evaluation Constrained(Qnn.Search.Genes.Genome g)
        {
            var e = OptimizationSyntheticProblem.Evaluate(g);
            var violation = Math.Max(0, (0.85 - e.Accuracy) / 0.85) + Math.Max(0, (e.Cost - 40) / 40);
            return e with { Violation = violation };
        }
        var all = OptimizationSyntheticProblem.All().Select(Constrained).ToList();
        var feasibleShare = all.Count(e => e.IsFeasible) / (double)all.Count;
        var best = OptimizationSyntheticProblem.Hypervolume(all);
        var nsga = new List<double>();
        var random = new List<double>();
        foreach (var seed in Seeds)
        {
            nsga.Add(OptimizationSyntheticProblem.Hypervolume(OptimizationSyntheticProblem
                .Run(new NsgaII(OptimizationSyntheticProblem.Domains, Population), Budget, seed, Constrained).Select(s => s.Result!)) / best);
            random.Add(OptimizationSyntheticProblem.Hypervolume(OptimizationSyntheticProblem
                .Run(new RandomSampler(OptimizationSyntheticProblem.Domains), Budget, seed, Constrained).Select(s => s.Result!)) / best);
        }
        output.WriteLine($"feasible share {feasibleShare:P1}; NSGA-II {string.Join(", ", nsga.Select(f => f.ToString("F4")))} (mean {nsga.Average():F4}); " +
                         $"random {string.Join(", ", random.Select(f => f.ToString("F4")))} (mean {random.Average():F4}) of the feasible front's hypervolume");
        Assert.InRange(feasibleShare, 0.001, 0.1);
        // Measured: NSGA-II 0.91–1.00 (mean 0.97), random 0.80–0.92 (mean 0.84).
        Assert.All(nsga, f => Assert.InRange(f, 0.85, 1.0 + 1e-12));
        Assert.InRange(nsga.Average(), 0.95, 1.0 + 1e-12);
        Assert.True(nsga.Average() > random.Average() + 0.05, $"NSGA-II {nsga.Average():F4} vs random {random.Average():F4}");
    }
}
