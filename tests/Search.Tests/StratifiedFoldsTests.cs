using Qnn.Search.Scoring;
using Xunit;

namespace Qnn.Search.Tests;

public class StratifiedFoldsTests
{
    [Fact]
    public void Every_row_is_in_one_fold_and_each_fold_keeps_the_class_proportions()
    {
        // vertebral's classes: 60 DH, 150 SL, 100 NO.
        var labels = Enumerable.Repeat(0L, 60).Concat(Enumerable.Repeat(1L, 150)).Concat(Enumerable.Repeat(2L, 100)).ToArray();
        var folds = StratifiedFolds.Split(labels, 5, seed: 42);
        Assert.Equal(5, folds.Length);
        Assert.Equal(Enumerable.Range(0, labels.Length), folds.SelectMany(f => f).Order());
        foreach (var fold in folds)
        {
            Assert.Equal(62, fold.Length);
            Assert.Equal(12, fold.Count(r => labels[r] == 0));
            Assert.Equal(30, fold.Count(r => labels[r] == 1));
            Assert.Equal(20, fold.Count(r => labels[r] == 2));
        }
    }

    [Fact]
    public void The_seed_decides_the_split()
    {
        var labels = Enumerable.Range(0, 100).Select(i => (long)(i % 3)).ToArray();
        Assert.Equal(StratifiedFolds.Split(labels, 4, 1), StratifiedFolds.Split(labels, 4, 1));
        Assert.NotEqual(StratifiedFolds.Split(labels, 4, 1)[0], StratifiedFolds.Split(labels, 4, 2)[0]);
    }
}
