namespace Qnn.Export;

/// <summary>
/// What flows into a layer as the exporter builds the engine: input codes, ±1, other integer
/// values (ternary values, DoReFa codes) or real numbers. Integers stand for value / Denominator
/// (the input codes' common D, DoReFa's L, else 1) and are at most <see cref="Largest"/> in
/// magnitude; <see cref="Multipliers"/> are the input codes' (first layer only);
/// <see cref="InputDivisors"/> (the input's) or the denominator turn each value into the core's
/// real value where a layer sums reals.
/// </summary>
internal sealed record Incoming(Incoming.Values Kind, long Denominator, double Largest, int[]? Multipliers, float[]? InputDivisors)
{
    public enum Values { Codes, Signs, Integers, Reals }

    /// <summary>Whether an integer layer can sum these values exactly.</summary>
    public bool IsInteger => Kind != Values.Reals;

    /// <summary>The largest |value| of input <paramref name="i"/> times its multiplier.</summary>
    public double LargestTerm(int i) => Kind == Values.Codes ? (double)Denominator : Largest;

    /// <summary>What a layer summing reals divides its <paramref name="n"/> inputs by (null: nothing).</summary>
    public float[]? DivisorsFor(int n) => InputDivisors ?? (Denominator == 1 ? null : Enumerable.Repeat((float)Denominator, n).ToArray());

    /// <summary>The one divisor of a convolution's inputs (an image has one width).</summary>
    public float Divisor => InputDivisors?[0] ?? Denominator;

    public static Incoming Input(InputCodes codes) => codes.Integer
        ? new(Values.Codes, codes.Denominator, codes.Denominator, codes.Multipliers, codes.Divisors)
        : new(Values.Reals, 1, 1, null, codes.Divisors);

    /// <summary>What an average pooling of <paramref name="window"/> values gives (window sums):
    /// codes or integers become integers over a denominator <paramref name="window"/> times
    /// larger, reals are divided by it too.</summary>
    public static Incoming Downscaled(Incoming input, int window, int outputs) => input.Kind switch
    {
        Values.Reals => new(Values.Reals, 1, 1, null, Enumerable.Repeat(input.Divisor * window, outputs).ToArray()),
        Values.Signs => new(Values.Integers, window, window, null, null),
        _ => new(Values.Integers, input.Denominator * window, input.LargestTerm(0) * window, null, null),
    };

    public static readonly Incoming Signs = new(Values.Signs, 1, 1, null, null);

    public static readonly Incoming Reals = new(Values.Reals, 1, 1, null, null);
}
