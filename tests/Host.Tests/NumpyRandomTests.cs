using Qnn.Host.Data;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>Values printed by numpy 1.24 (`np.random.RandomState(seed).permutation(n)`), so the
/// split is scikit-learn's train_test_split for the same random_state.</summary>
public class NumpyRandomTests
{
    [Fact]
    public void Permutation_matches_numpy()
    {
        Assert.Equal(new[] { 8, 1, 5, 0, 7, 2, 9, 4, 3, 6 }, new NumpyRandom(42).Permutation(10));
        Assert.Equal(new[] { 289, 9, 57, 60, 25, 63, 92, 184 }, new NumpyRandom(42).Permutation(310)[..8]);
        Assert.Equal(new[] { 300, 145, 302, 222, 52 }, new NumpyRandom(0).Permutation(310)[..5]);
    }

    [Fact]
    public void The_split_takes_test_rows_first_like_train_test_split()
    {
        var (train, test) = TrainTestSplit.Indices(310, 0.2, 42);
        Assert.Equal(62, test.Length);
        Assert.Equal(248, train.Length);
        Assert.Equal(new[] { 289, 9, 57, 60, 25, 63, 92, 184 }, test[..8]);
        Assert.Equal(new[] { 126, 109, 247, 234, 202, 78, 147, 59 }, train[..8]);
        Assert.Equal(Enumerable.Range(0, 310), train.Concat(test).Order());
    }
}
