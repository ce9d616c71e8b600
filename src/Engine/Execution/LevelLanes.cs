using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Qnn.Engine.Execution;

/// <summary>
/// A <see cref="OutputForm.Levels"/> output (ternary activations, DoReFa codes) in the lanes of a
/// <see cref="LaneNetwork"/>: per lane, how many of an output's thresholds fire, and the level
/// value of that count as the next layer reads it (its sign for ±1 inputs, else its integer part,
/// as the lanes read every other value), so the next layer sees exactly what
/// <see cref="LayerOutput.Apply"/> hands the plain layers. The firing ranges are clamped to the
/// layer's reachable z (beyond it every threshold acts the same) so that they fit its lanes.
/// </summary>
internal sealed class LevelLanes
{
    /// <summary>Most thresholds per output (8-bit DoReFa's 255): every count stays distinct in int8 lanes.</summary>
    public const int MaxSteps = 255;

    /// <summary>Level values beyond this magnitude run through <see cref="LayerOutput.Apply"/> instead.</summary>
    private const int MaxValue = 1 << 20;

    // Per output j, its thresholds' firing ranges at [j·steps, (j + 1)·steps).
    private readonly int[] low, high;
    // The level values as the next layer reads them, by count of firing thresholds.
    private readonly int[] values;
    private readonly int steps;
    // values[c] = values[0] + stride·c for stride −1, 0 or 1 (the ternary and DoReFa forms); else
    // int.MinValue and the value is chosen count by count.
    private readonly int stride;

    private LevelLanes(int[] low, int[] high, int[] values, int steps)
    {
        (this.low, this.high, this.values, this.steps) = (low, high, values, steps);
        var step = values[1] - values[0];
        stride = step is >= -1 and <= 1 && values.Select((v, c) => v == values[0] + step * c).All(same => same) ? step : int.MinValue;
        Largest = values.Max(v => Math.Abs((long)v));
    }

    /// <summary>The largest |value| the next layer reads.</summary>
    public long Largest { get; }

    /// <summary>The lanes form of a levels output whose z stays within ±(<paramref name="limit"/> − 1),
    /// read by the next layer as signs (<paramref name="signInputs"/>) or integers; null for any
    /// other output, or for more than <see cref="MaxSteps"/> thresholds or values too large.</summary>
    public static LevelLanes? Of(LayerOutput output, bool signInputs, int limit)
    {
        if (output.Form != OutputForm.Levels || output.LevelBoundaries is not { } boundaries || output.LevelValues is not { } levels
            || output.Steps is < 1 or > MaxSteps)
            return null;
        var values = new int[levels.Length];
        for (var c = 0; c < levels.Length; c++)
        {
            var v = levels[c];
            // As the lanes read a float: its sign (>= 0 is +1, NaN −1), or its integer part toward zero (NaN 0).
            if (signInputs) values[c] = v >= 0 ? 1 : -1;
            else if (float.IsNaN(v)) values[c] = 0;
            else if (Math.Abs(v) < MaxValue) values[c] = (int)v;
            else return null;
        }
        var (low, high) = (new int[boundaries.Length], new int[boundaries.Length]);
        for (var t = 0; t < boundaries.Length; t++)
        {
            var (lo, hi) = boundaries[t].FiringRange;
            (low[t], high[t]) = (Math.Clamp(lo, -limit, limit), Math.Clamp(hi, -limit, limit));
        }
        return new LevelLanes(low, high, values, output.Steps);
    }

    /// <summary>y = the level value of output <paramref name="j"/> for each lane's z (whole vectors;
    /// <paramref name="y"/> may be <paramref name="z"/>).</summary>
    public void Apply<T>(int j, ReadOnlySpan<T> z, Span<T> y) where T : unmanaged, IBinaryInteger<T>
    {
        var zs = MemoryMarshal.Cast<T, Vector512<T>>(z);
        var ys = MemoryMarshal.Cast<T, Vector512<T>>(y);
        var (first, end) = (j * steps, (j + 1) * steps);
        var start = Vector512.Create(T.CreateTruncating(values[0]));
        for (var c = 0; c < zs.Length; c++)
        {
            var x = zs[c];
            // Minus the count: each firing comparison is all ones, −1.
            var fired = Vector512<T>.Zero;
            for (var t = first; t < end; t++)
                fired += Vector512.GreaterThanOrEqual(x, Vector512.Create(T.CreateTruncating(low[t])))
                    & Vector512.LessThanOrEqual(x, Vector512.Create(T.CreateTruncating(high[t])));
            ys[c] = stride switch
            {
                0 => start,
                1 => start - fired,
                -1 => start + fired,
                _ => Choose(fired, start),
            };
        }
    }

    /// <summary>The value of each lane's count (given as minus the count), level by level.</summary>
    private Vector512<T> Choose<T>(Vector512<T> fired, Vector512<T> start) where T : unmanaged, IBinaryInteger<T>
    {
        var value = start;
        for (var c = 1; c <= steps; c++)
            value = Vector512.ConditionalSelect(Vector512.Equals(fired, Vector512.Create(T.CreateTruncating(-c))), Vector512.Create(T.CreateTruncating(values[c])), value);
        return value;
    }
}
