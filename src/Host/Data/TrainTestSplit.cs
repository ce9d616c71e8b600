namespace Qnn.Host.Data;

/// <summary>scikit-learn's <c>train_test_split(test_size=…, random_state=seed)</c>: the first
/// ⌈test·n⌉ rows of a numpy permutation are the test set, the next ⌊(1-test)·n⌋ the training set.</summary>
public static class TrainTestSplit
{
    public static (int[] Train, int[] Test) Indices(int count, double testFraction, uint seed)
    {
        var testCount = (int)Math.Ceiling(testFraction * count);
        var trainCount = (int)Math.Floor((1 - testFraction) * count);
        var permutation = new NumpyRandom(seed).Permutation(count);
        return (permutation.Skip(testCount).Take(trainCount).ToArray(), permutation.Take(testCount).ToArray());
    }
}
