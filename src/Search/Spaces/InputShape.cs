namespace Qnn.Search.Spaces;

/// <summary>The shape of one sample a space's candidates take: <c>[features]</c> for tabular data
/// or <c>[channels, height, width]</c> for images.</summary>
public sealed record InputShape(int[] Shape)
{
    /// <summary>Whether the shape is an image, <c>[channels, height, width]</c>.</summary>
    public bool IsImage => Shape.Length == 3;

    /// <summary>The number of values in one sample (an MLP's feature count; an image flattened).</summary>
    public long Values => Shape.Aggregate(1L, (p, n) => p * n);
}
