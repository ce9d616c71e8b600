namespace Qnn.Search.Scoring;

/// <summary>
/// Stratified k-fold cross-validation splits: each class's rows are shuffled with a generator
/// seeded by <c>seed</c> and dealt round-robin into the folds, so every fold holds each class in
/// (nearly) the data set's proportion, like scikit-learn's StratifiedKFold with shuffling.
/// </summary>
public static class StratifiedFolds
{
    /// <summary>The test rows of each fold; every row is in exactly one fold.</summary>
    public static int[][] Split(IReadOnlyList<long> labels, int folds, int seed)
    {
        if (folds < 2)
            throw new ArgumentOutOfRangeException(nameof(folds), folds, "cross-validation needs at least 2 folds");
        var random = new Random(seed);
        var assigned = Enumerable.Range(0, folds).Select(_ => new List<int>()).ToArray();
        var next = 0;
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var rows = group.ToArray();
            random.Shuffle(rows);
            foreach (var row in rows)
            {
                assigned[next].Add(row);
                next = (next + 1) % folds;
            }
        }
        return assigned.Select(f => f.Order().ToArray()).ToArray();
    }
}
