using Qnn.Search.Optimization;
using Xunit;

namespace Qnn.Search.Tests;

public sealed class ParetoTests
{
    private static Evaluation F(double accuracy, double cost) => new(accuracy, cost, 0);

    // Hand-worked: 0, 1, 3 and 8 (a copy of 1) trade accuracy for cost; 2 is dominated by 0 and
    // 4 by 1 (and 8); 5 by 1, 3 and 4; the infeasible 6 and 7 come last, ordered by violation
    // alone (7 has the best objectives of all but the larger violation).
    private static readonly Evaluation[] Known =
    [
        F(0.90, 10), F(0.80, 5), F(0.85, 12), F(0.70, 3), F(0.75, 6), F(0.60, 8),
        new(0.95, 20, 0.5), new(0.99, 1, 2.0), F(0.80, 5),
    ];

    [Fact]
    public void Non_dominated_sort_gives_the_hand_worked_fronts()
    {
        var fronts = Pareto.NonDominatedSort(Known);
        Assert.Equal(5, fronts.Count);
        Assert.Equal([0, 1, 3, 8], fronts[0]);
        Assert.Equal([2, 4], fronts[1]);
        Assert.Equal([5], fronts[2]);
        Assert.Equal([6], fronts[3]);
        Assert.Equal([7], fronts[4]);
    }

    [Fact]
    public void Non_dominated_sort_of_nothing_is_no_fronts() =>
        Assert.Empty(Pareto.NonDominatedSort([]));

    // The definition, by brute force: a point's rank is 0 when nothing dominates it, else one
    // more than the largest rank of the points that do.
    private static int[] RanksByDefinition(IReadOnlyList<Evaluation> points)
    {
        var rank = new int[points.Count];
        bool changed;
        do
        {
            changed = false;
            for (var i = 0; i < points.Count; i++)
                for (var j = 0; j < points.Count; j++)
                    if (Pareto.Dominates(points[j], points[i]) && rank[i] <= rank[j])
                    {
                        rank[i] = rank[j] + 1;
                        changed = true;
                    }
        } while (changed);
        return rank;
    }

    [Fact]
    public void Non_dominated_sort_agrees_with_the_definition_on_random_sets_with_ties()
    {
        double[] violations = [0, 0, 0, 0.5, 1, double.PositiveInfinity, double.NaN];
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var points = Enumerable.Range(0, random.Next(1, 40))
                .Select(_ => new Evaluation(
                    random.Next(12) == 0 ? double.NaN : random.Next(6) / 5.0,
                    random.Next(6),
                    violations[random.Next(violations.Length)]))
                .ToList();
            var expected = RanksByDefinition(points);
            var fronts = Pareto.NonDominatedSort(points);
            Assert.Equal(points.Count, fronts.Sum(f => f.Count));
            for (var rank = 0; rank < fronts.Count; rank++)
            {
                Assert.Equal(fronts[rank].Order(), fronts[rank]);
                Assert.All(fronts[rank], i => Assert.Equal(rank, expected[i]));
            }
            var front = Pareto.Front(points);
            Assert.Equal(Enumerable.Range(0, points.Count).Where(i => points[i].IsFeasible && expected[i] == 0), front);
        }
    }

    [Fact]
    public void A_NaN_makes_a_point_infeasible_behind_every_finite_violation()
    {
        var nan = new Evaluation(double.NaN, 1, 0);
        Assert.False(nan.IsFeasible);
        Assert.Equal(double.PositiveInfinity, nan.EffectiveViolation);
        Assert.True(Pareto.Dominates(new Evaluation(0.1, 9, 3), nan));
        Assert.True(Pareto.Dominates(new Evaluation(0.1, 9, 3), new Evaluation(0.9, 1, double.NaN)));
        Assert.Equal([[1], [0]], Pareto.NonDominatedSort([nan, new Evaluation(0.1, 9, 3)]));
    }

    [Fact]
    public void Front_is_the_feasible_first_front()
    {
        Assert.Equal([0, 1, 3, 8], Pareto.Front(Known));
        // Only infeasible points: no front, even though one of them dominates the other.
        Assert.Empty(Pareto.Front([new(0.9, 1, 0.1), new(0.8, 2, 0.3)]));
    }

    [Fact]
    public void Feasible_beats_infeasible_whatever_the_objectives()
    {
        var poorButFeasible = F(0.1, 100);
        var greatButInfeasible = new Evaluation(0.99, 1, 0.01);
        Assert.True(Pareto.Dominates(poorButFeasible, greatButInfeasible));
        Assert.False(Pareto.Dominates(greatButInfeasible, poorButFeasible));
    }

    [Fact]
    public void Of_two_infeasible_the_smaller_violation_wins()
    {
        var small = new Evaluation(0.1, 100, 0.2);
        var large = new Evaluation(0.9, 1, 0.5);
        Assert.True(Pareto.Dominates(small, large));
        Assert.False(Pareto.Dominates(large, small));
        Assert.True(Pareto.Dominates(large, new Evaluation(0.9, 1, double.PositiveInfinity)));
        // Equal violations: neither, whatever the objectives.
        Assert.False(Pareto.Dominates(new(0.9, 1, 0.5), new(0.1, 9, 0.5)));
        Assert.False(Pareto.Dominates(new(0.9, 1, double.PositiveInfinity), new(0.1, 9, double.PositiveInfinity)));
    }

    [Fact]
    public void Of_two_feasible_Pareto_dominance_decides()
    {
        Assert.True(Pareto.Dominates(F(0.9, 5), F(0.8, 5)));   // better accuracy, same cost
        Assert.True(Pareto.Dominates(F(0.8, 4), F(0.8, 5)));   // same accuracy, lower cost
        Assert.True(Pareto.Dominates(F(0.9, 4), F(0.8, 5)));   // better in both
        Assert.False(Pareto.Dominates(F(0.8, 5), F(0.8, 5)));  // equal
        Assert.False(Pareto.Dominates(F(0.9, 6), F(0.8, 5)));  // a trade-off
        Assert.False(Pareto.Dominates(F(0.8, 5), F(0.9, 6)));
    }

    [Fact]
    public void Crowding_distance_of_a_hand_worked_front()
    {
        // A(0.6, 1), B(0.7, 2), C(0.8, 4), D(0.9, 8), given as C, A, D, B. Ranges: accuracy 0.3,
        // cost 7. B: (0.8 − 0.6)/0.3 + (4 − 1)/7 = 2/3 + 3/7 = 23/21;
        // C: (0.9 − 0.7)/0.3 + (8 − 2)/7 = 2/3 + 6/7 = 32/21; A and D are boundaries.
        var d = Pareto.CrowdingDistance([F(0.8, 4), F(0.6, 1), F(0.9, 8), F(0.7, 2)]);
        Assert.Equal(32.0 / 21, d[0], 12);
        Assert.Equal(double.PositiveInfinity, d[1]);
        Assert.Equal(double.PositiveInfinity, d[2]);
        Assert.Equal(23.0 / 21, d[3], 12);
    }

    [Fact]
    public void Crowding_distance_skips_a_constant_objective_and_small_fronts_are_all_boundary()
    {
        // Accuracy is constant: only cost counts for the middle point, (4 − 1)/3 = 1; the
        // accuracy boundaries are the first and last by index.
        var d = Pareto.CrowdingDistance([F(0.5, 1), F(0.5, 2), F(0.5, 4)]);
        Assert.Equal([double.PositiveInfinity, 1.0, double.PositiveInfinity], d);
        Assert.Equal([double.PositiveInfinity, double.PositiveInfinity], Pareto.CrowdingDistance([F(0.9, 1), F(0.8, 0.5)]));
        Assert.Empty(Pareto.CrowdingDistance([]));
    }

    [Fact]
    public void Hypervolume_of_a_hand_worked_front_linear_cost()
    {
        // Reference (0.5, 10). Counted: (0.7, 2), (0.8, 5), (0.6, 6) dominated, (0.9, 8).
        // Slabs by cost: [2, 5) × 0.2 + [5, 8) × 0.3 + [8, 10) × 0.4 = 0.6 + 0.9 + 0.8 = 2.3.
        // Ignored: infeasible (0.99, 1), below the reference accuracy (0.4, 1), above the
        // reference cost (0.95, 12), and on the reference accuracy (0.5, 0.1).
        Evaluation[] points =
        [
            F(0.9, 8), F(0.7, 2), F(0.8, 5), F(0.6, 6), new(0.99, 1, 1), F(0.4, 1), F(0.95, 12), F(0.5, 0.1),
        ];
        Assert.Equal(2.3, Pareto.Hypervolume(points, 0.5, 10, logCost: false), 12);
        // The front alone spans the same area.
        var front = Pareto.Front(points).Select(i => points[i]).ToList();
        Assert.Equal(2.3, Pareto.Hypervolume(front, 0.5, 10, logCost: false), 12);
    }

    [Fact]
    public void Hypervolume_of_a_hand_worked_front_log_cost()
    {
        // Reference (0.5, 100) → log cost 2. Points at log cost −1, 0, 1:
        // [−1, 0) × 0.3 + [0, 1) × 0.3 (0.8 still the best) + [1, 2) × 0.4 = 1.0;
        // (0.7, 1) is dominated by (0.8, 0.1) and adds nothing.
        Evaluation[] points = [F(0.9, 10), F(0.7, 1), F(0.8, 0.1)];
        Assert.Equal(1.0, Pareto.Hypervolume(points, 0.5, 100, logCost: true), 12);
        Assert.Equal(0.6, Pareto.Hypervolume([F(0.9, 10), F(0.7, 1)], 0.5, 100, logCost: true), 12);
    }

    [Fact]
    public void Hypervolume_of_nothing_that_dominates_the_reference_is_zero()
    {
        Assert.Equal(0, Pareto.Hypervolume([], 0.5, 10, logCost: false));
        Assert.Equal(0, Pareto.Hypervolume([F(0.4, 1), new(0.9, 1, 0.1)], 0.5, 10, logCost: true));
    }

    [Fact]
    public void Log_hypervolume_rejects_a_non_positive_cost()
    {
        var e = Assert.Throws<ArgumentException>(() => Pareto.Hypervolume([F(0.9, 0)], 0.5, 10, logCost: true));
        Assert.Contains("positive", e.Message);
        Assert.Throws<ArgumentException>(() => Pareto.Hypervolume([F(0.9, 1)], 0.5, 0, logCost: true));
    }
}
