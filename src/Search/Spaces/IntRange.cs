namespace Qnn.Search.Spaces;

/// <summary>An integer range <c>{"min": a, "max": b}</c> of a search space, both ends included.</summary>
internal sealed record IntRange(int Min, int Max)
{
    /// <summary>How many values the range holds (the gene's count).</summary>
    public int Count => Max - Min + 1;

    /// <summary>The value of gene index <paramref name="index"/>.</summary>
    public int At(int index) => Min + index;
}
