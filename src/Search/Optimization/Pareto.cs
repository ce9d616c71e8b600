namespace Qnn.Search.Optimization;

/// <summary>Pareto machinery for two objectives, accuracy (maximized) and cost (minimized), with
/// constraint domination (Deb, "An efficient constraint handling method for genetic algorithms",
/// 2000): a feasible point beats an infeasible one, of two infeasible points the smaller violation
/// wins, and two feasible points compare by Pareto dominance.</summary>
public static class Pareto
{
    /// <summary>Whether <paramref name="a"/> constraint-dominates <paramref name="b"/>.</summary>
    public static bool Dominates(Evaluation a, Evaluation b)
    {
        if (a.IsFeasible != b.IsFeasible) return a.IsFeasible;
        if (!a.IsFeasible) return a.EffectiveViolation < b.EffectiveViolation;
        return a.Accuracy >= b.Accuracy && a.Cost <= b.Cost && (a.Accuracy > b.Accuracy || a.Cost < b.Cost);
    }

    /// <summary>The fronts of <paramref name="points"/> under constraint domination: front 0 holds
    /// the points nothing dominates, front k those dominated only by points of earlier fronts (the
    /// ranks of Deb's non-dominated sort). Each front lists indices into <paramref name="points"/>
    /// in ascending order; every index appears exactly once. Feasible fronts come first; each
    /// distinct violation of the infeasible points is a front of its own, smallest first.</summary>
    /// <remarks>With two objectives this runs in O(n log n) (Jensen 2003) rather than the O(n²)
    /// of the general algorithm, since the sampler re-sorts the whole history on every proposal:
    /// taking the feasible points by accuracy (descending) then cost, a point is dominated by a
    /// front exactly when that front's lowest cost so far is at most its own, and those lowest
    /// costs never decrease from front to front, so a binary search finds its front.</remarks>
    public static IReadOnlyList<IReadOnlyList<int>> NonDominatedSort(IReadOnlyList<Evaluation> points)
    {
        var fronts = new List<List<int>>();
        var lowestCost = new List<double>();
        var feasible = Enumerable.Range(0, points.Count).Where(i => points[i].IsFeasible)
            .OrderByDescending(i => points[i].Accuracy).ThenBy(i => points[i].Cost).ThenBy(i => i);
        int? previous = null;
        var front = 0;
        foreach (var i in feasible)
        {
            var p = points[i];
            // A copy of the previous point shares its front (neither dominates the other).
            if (previous is not { } q || points[q].Accuracy != p.Accuracy || points[q].Cost != p.Cost)
            {
                front = UpperBound(lowestCost, p.Cost);
                if (front == fronts.Count) { fronts.Add([]); lowestCost.Add(p.Cost); }
                else lowestCost[front] = p.Cost;
            }
            fronts[front].Add(i);
            previous = i;
        }
        var infeasible = Enumerable.Range(0, points.Count).Where(i => !points[i].IsFeasible)
            .OrderBy(i => points[i].EffectiveViolation).ThenBy(i => i);
        var violation = double.NaN;
        foreach (var i in infeasible)
        {
            if (points[i].EffectiveViolation != violation) fronts.Add([]);
            violation = points[i].EffectiveViolation;
            fronts[^1].Add(i);
        }
        foreach (var f in fronts) f.Sort();
        return fronts;
    }

    // The first index whose value is above x, in a non-decreasing list.
    private static int UpperBound(List<double> sorted, double x)
    {
        var (low, high) = (0, sorted.Count);
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (sorted[mid] > x) high = mid; else low = mid + 1;
        }
        return low;
    }

    /// <summary>The crowding distance of each point of one front (Deb et al. 2002): per objective,
    /// the two boundary points get +∞ and every other point the gap between its neighbours divided
    /// by the objective's range on the front; the distance is the sum over accuracy and cost. An
    /// objective that is constant on the front (or not finite) adds nothing to interior points.
    /// Fronts of one or two points are all boundary.</summary>
    public static double[] CrowdingDistance(IReadOnlyList<Evaluation> front)
    {
        var n = front.Count;
        var distance = new double[n];
        if (n <= 2)
        {
            Array.Fill(distance, double.PositiveInfinity);
            return distance;
        }
        AddObjective(front, distance, e => e.Accuracy);
        AddObjective(front, distance, e => e.Cost);
        return distance;
    }

    private static void AddObjective(IReadOnlyList<Evaluation> front, double[] distance, Func<Evaluation, double> objective)
    {
        // Sorted by value, ties by index, so equal points get a deterministic order.
        var order = Enumerable.Range(0, front.Count).OrderBy(i => objective(front[i])).ThenBy(i => i).ToArray();
        var low = objective(front[order[0]]);
        var high = objective(front[order[^1]]);
        distance[order[0]] = double.PositiveInfinity;
        distance[order[^1]] = double.PositiveInfinity;
        var range = high - low;
        if (!(range > 0) || !double.IsFinite(range)) return;
        for (var k = 1; k < order.Length - 1; k++)
        {
            var gap = (objective(front[order[k + 1]]) - objective(front[order[k - 1]])) / range;
            if (double.IsFinite(gap)) distance[order[k]] += gap;
        }
    }

    /// <summary>The first front among the feasible points only: the indices (ascending) of the
    /// feasible points no other feasible point dominates. Points with equal objectives are all
    /// kept. Empty when no point is feasible.</summary>
    public static IReadOnlyList<int> Front(IReadOnlyList<Evaluation> points)
    {
        // Feasible points always make up the first fronts, so front 0 is the feasible front
        // unless there is no feasible point at all.
        var fronts = NonDominatedSort(points);
        return fronts.Count > 0 && points[fronts[0][0]].IsFeasible ? fronts[0] : [];
    }

    /// <summary>The area (2-D hypervolume) that the feasible points dominate, bounded by the
    /// reference point (accuracy <paramref name="referenceAccuracy"/>, cost
    /// <paramref name="referenceCost"/>): the union of the rectangles [cost, r_c] × [r_a, accuracy].
    /// Only feasible points that strictly dominate the reference (accuracy above r_a, cost below
    /// r_c) count; dominated points add nothing, so passing all points or only the front gives the
    /// same value. With <paramref name="logCost"/> the cost axis is log10(cost) (costs span orders
    /// of magnitude), and every counted cost and r_c must then be positive. The study
    /// comparison in docs/search.md uses r_a = 0.5 (or the majority-class rate) and r_c = the space's largest cost,
    /// log scale.</summary>
    /// <exception cref="ArgumentException">With <paramref name="logCost"/>, r_c or a counted cost is not positive.</exception>
    public static double Hypervolume(IReadOnlyList<Evaluation> points, double referenceAccuracy, double referenceCost, bool logCost)
    {
        if (logCost && !(referenceCost > 0))
            throw new ArgumentException($"A log-scale hypervolume needs a positive reference cost, not {referenceCost}.", nameof(referenceCost));
        var counted = points
            .Where(p => p.IsFeasible && p.Accuracy > referenceAccuracy && p.Cost < referenceCost)
            .Select(p =>
            {
                if (logCost && !(p.Cost > 0))
                    throw new ArgumentException($"A log-scale hypervolume needs positive costs, not {p.Cost}.", nameof(points));
                return (Cost: logCost ? Math.Log10(p.Cost) : p.Cost, p.Accuracy);
            })
            .OrderBy(p => p.Cost).ThenByDescending(p => p.Accuracy)
            .ToList();
        var right = logCost ? Math.Log10(referenceCost) : referenceCost;
        // Sweep by cost: between a point's cost and the next one's, the dominated height is the
        // best accuracy of all points at or below that cost.
        var area = 0.0;
        var best = referenceAccuracy;
        for (var k = 0; k < counted.Count; k++)
        {
            best = Math.Max(best, counted[k].Accuracy);
            var next = k + 1 < counted.Count ? counted[k + 1].Cost : right;
            area += (next - counted[k].Cost) * (best - referenceAccuracy);
        }
        return area;
    }
}
