using Qnn.Search.Genes;
using Qnn.Search.Optimization;

namespace Qnn.Search.Tests;

/// <summary>A cheap stand-in for training: six mixed genes (5760 genomes) with a closed-form
/// accuracy and cost that trade off like width/bits/depth do, plus categorical genes where some
/// values are plainly worse, so a sampler that learns beats one that does not. Small enough to
/// brute-force the true Pareto front.</summary>
internal static class OptimizationSyntheticProblem
{
    public static readonly GeneDomain[] Domains =
    [
        new("width", 8, Ordered: true),
        new("activation", 3, Ordered: false),
        new("bits", 6, Ordered: true),
        new("weights", 4, Ordered: false),
        new("depth", 5, Ordered: true),
        new("skip", 2, Ordered: false),
    ];

    private static readonly double[] ActivationGain = [0.6, 1.0, 0.8];
    private static readonly double[] ActivationCost = [0, 1, 0.5];
    private static readonly double[] WeightsGain = [0.7, 1.0, 0.5, 0.9];
    private static readonly double[] WeightsCost = [1.0, 1.0, 0.6, 1.4];

    public static Evaluation Evaluate(Genome g)
    {
        var q = ActivationGain[g[1]] * WeightsGain[g[3]] * (0.4 * g[0] + 0.5 * Math.Min(g[2], 3) + 0.1 * g[2] + 0.3 * g[4]) + 0.1 * g[5];
        var accuracy = 0.5 + 0.45 * (1 - Math.Exp(-q / 2));
        var cost = (1 + g[0]) * (1 + g[2]) * (1 + 0.5 * g[4]) * WeightsCost[g[3]] + 2 * g[5] + ActivationCost[g[1]];
        return new Evaluation(accuracy, cost, 0);
    }

    /// <summary>Every genome of the space, lexicographically.</summary>
    public static IEnumerable<Genome> All()
    {
        IEnumerable<int[]> prefixes = [[]];
        foreach (var d in Domains)
            prefixes = prefixes.SelectMany(p => Enumerable.Range(0, d.Count).Select(v => p.Append(v).ToArray())).ToList();
        return prefixes.Select(p => new Genome(p));
    }

    public const double ReferenceAccuracy = 0.5;

    /// <summary>The space's largest cost, as docs/search.md's reference point takes it.</summary>
    public static readonly double ReferenceCost = All().Max(g => Evaluate(g).Cost);

    public static double Hypervolume(IEnumerable<Evaluation> points) =>
        Pareto.Hypervolume(points.ToList(), ReferenceAccuracy, ReferenceCost, logCost: true);

    /// <summary>The true front's hypervolume, by brute force over the whole space.</summary>
    public static readonly double TrueHypervolume = Hypervolume(All().Select(Evaluate));

    /// <summary>The true front's objective values (distinct), by brute force.</summary>
    public static readonly HashSet<(double, double)> TrueFront = TrueFrontOf();

    private static HashSet<(double, double)> TrueFrontOf()
    {
        var all = All().Select(Evaluate).ToList();
        return Pareto.Front(all).Select(i => (all[i].Accuracy, all[i].Cost)).ToHashSet();
    }

    /// <summary>The study loop with one synchronous worker: propose, evaluate, append, until the
    /// budget is spent or the sampler has nothing left.</summary>
    public static List<Scored> Run(ISampler sampler, int budget, int seed, Func<Genome, Evaluation>? evaluate = null)
    {
        var random = new Random(seed);
        var history = new List<Scored>();
        while (history.Count < budget)
        {
            var genome = sampler.Propose(history, random);
            if (genome is null) break;
            history.Add(new Scored(genome, (evaluate ?? Evaluate)(genome)));
        }
        return history;
    }
}
