namespace Qnn.Search.Genes;

/// <summary>A candidate as gene values (each an index into its <see cref="GeneDomain"/>).
/// Equality is by value, and <see cref="Key"/> is the canonical text a study stores and
/// de-duplicates on.</summary>
public sealed class Genome : IEquatable<Genome>
{
    private readonly int[] genes;

    /// <summary>A genome of these gene values.</summary>
    public Genome(IEnumerable<int> genes) => this.genes = genes.ToArray();

    /// <summary>The gene values, in the order of the space's domains.</summary>
    public IReadOnlyList<int> Genes => genes;

    /// <summary>Gene <paramref name="index"/>.</summary>
    public int this[int index] => genes[index];

    /// <summary>The number of genes.</summary>
    public int Length => genes.Length;

    /// <summary>The genes as "3,0,5,…".</summary>
    public string Key => string.Join(",", genes);

    /// <summary>The genome of a <see cref="Key"/>.</summary>
    public static Genome Parse(string key) =>
        new(key.Length == 0 ? Array.Empty<int>() : key.Split(',').Select(int.Parse));

    /// <inheritdoc />
    public bool Equals(Genome? other) => other is not null && genes.AsSpan().SequenceEqual(other.genes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Genome);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var g in genes) hash.Add(g);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => Key;
}
