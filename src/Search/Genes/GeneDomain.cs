namespace Qnn.Search.Genes;

/// <summary>One gene of a search space: its name (the space's key, e.g. <c>units[1]</c>) and how
/// many values it takes. A gene's value is an index 0..Count−1 into the key's choices or range;
/// <paramref name="Ordered"/> says whether neighbouring indices are neighbouring values (a range
/// or a sorted list of numbers), which mutation may use.</summary>
public sealed record GeneDomain(string Name, int Count, bool Ordered);
