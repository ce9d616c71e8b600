namespace Qnn.Host.Data;

/// <summary>
/// numpy's legacy <c>RandomState</c> for what a train/test split needs: MT19937 seeded like
/// <c>RandomState(seed)</c> and <c>permutation(n)</c> with its bounded-integer rejection sampling.
/// With it, <see cref="TrainTestSplit"/> picks the same rows as scikit-learn's
/// <c>train_test_split(…, random_state=seed)</c>, as the seed notebook did.
/// </summary>
public sealed class NumpyRandom
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] state = new uint[N];
    private int index;

    public NumpyRandom(uint seed)
    {
        state[0] = seed;
        for (var i = 1; i < N; i++)
            state[i] = unchecked(1812433253u * (state[i - 1] ^ (state[i - 1] >> 30)) + (uint)i);
        index = N;
    }

    public uint NextUInt32()
    {
        if (index >= N)
            Twist();
        var y = state[index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    private void Twist()
    {
        for (var i = 0; i < N; i++)
        {
            var y = (state[i] & 0x80000000u) | (state[(i + 1) % N] & 0x7fffffffu);
            var next = state[(i + M) % N] ^ (y >> 1);
            state[i] = (y & 1u) != 0 ? next ^ 0x9908b0dfu : next;
        }
        index = 0;
    }

    /// <summary>A uniform integer in [0, max]: masked 32-bit draws, rejected above max (numpy's legacy random_interval).</summary>
    public uint Interval(uint max)
    {
        if (max == 0)
            return 0;
        var mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > max)
        {
        }
        return value;
    }

    /// <summary><c>RandomState.permutation(n)</c>: a Fisher–Yates shuffle of 0..n-1 from the last position down.</summary>
    public int[] Permutation(int n)
    {
        var order = Enumerable.Range(0, n).ToArray();
        for (var i = n - 1; i >= 1; i--)
        {
            var j = (int)Interval((uint)i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
