using Qnn.Search.Genes;

namespace Qnn.Search.Optimization;

/// <summary>The set of all genomes of a list of gene domains, for the samplers: its size, which
/// genomes a history has taken, and uniformly random untaken ones.</summary>
internal sealed class GenomeSpace
{
    // Random draws before falling back to walking the space in order. A draw hits an untaken
    // genome with probability (untaken / size), so 1000 straight misses mean the space is
    // nearly exhausted (and therefore small, at most about the history's length).
    private const int RandomDraws = 1000;

    // The fallback picks among the first this-many untaken genomes in lexicographic order, so its
    // walk stays bounded even if it is reached (improbably) in a huge, sparsely taken space.
    private const int WalkLimit = 1 << 20;

    private readonly IReadOnlyList<GeneDomain> domains;
    private readonly Func<Genome, Genome>? canonical;

    /// <summary>The space of these domains (every domain needs at least one value), where
    /// <paramref name="canonical"/>, if given, maps a genome to the one representative of the
    /// genomes that mean the same candidate (see <see cref="NsgaII.Canonical"/>).</summary>
    public GenomeSpace(IReadOnlyList<GeneDomain> domains, Func<Genome, Genome>? canonical = null)
    {
        this.canonical = canonical;
        ArgumentNullException.ThrowIfNull(domains);
        foreach (var d in domains)
            if (d.Count < 1)
                throw new ArgumentException($"Gene '{d.Name}' has {d.Count} values; a gene needs at least one.", nameof(domains));
        this.domains = domains;
        long size = 1;
        foreach (var d in domains)
            size = size > long.MaxValue / d.Count ? long.MaxValue : size * d.Count;
        Size = size;
    }

    /// <summary>The domains, in gene order.</summary>
    public IReadOnlyList<GeneDomain> Domains => domains;

    /// <summary>The number of genomes, saturated at <see cref="long.MaxValue"/>.</summary>
    public long Size { get; }

    /// <summary>The distinct (canonical) genomes of <paramref name="history"/>, running and queued
    /// ones included; throws if one does not belong to this space.</summary>
    public HashSet<Genome> Taken(IReadOnlyList<Scored> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var taken = new HashSet<Genome>();
        foreach (var s in history)
        {
            Check(s.Genome);
            taken.Add(Canonical(s.Genome));
        }
        return taken;
    }

    /// <summary>Whether every genome of the space is taken, as far as counting tells: with a
    /// canonical map the number of candidates is unknown, so only
    /// <see cref="RandomUntaken"/>'s search can say.</summary>
    public bool IsExhausted(HashSet<Genome> taken) => canonical is null && taken.Count >= Size;

    /// <summary>The representative of <paramref name="genome"/> (itself without a canonical map).</summary>
    public Genome Canonical(Genome genome)
    {
        if (canonical is null) return genome;
        var representative = canonical(genome);
        Check(representative);
        return representative;
    }

    /// <summary>A uniformly random genome (taken or not).</summary>
    public int[] RandomGenes(Random random)
    {
        var genes = new int[domains.Count];
        for (var i = 0; i < genes.Length; i++) genes[i] = random.Next(domains[i].Count);
        return genes;
    }

    /// <summary>A random untaken (canonical) genome, or null when the space is exhausted. With a
    /// canonical map, "exhausted" means: the first 2^20 genomes in lexicographic order (all of
    /// them in a space no larger) map to taken candidates.</summary>
    public Genome? RandomUntaken(HashSet<Genome> taken, Random random)
    {
        if (IsExhausted(taken)) return null;
        for (var draw = 0; draw < RandomDraws; draw++)
        {
            var genome = Canonical(new Genome(RandomGenes(random)));
            if (!taken.Contains(genome)) return genome;
        }
        if (canonical is not null) return FirstUntakenCandidate(taken);
        // Nearly exhausted: pick the k-th untaken genome in lexicographic order.
        var untaken = Size - taken.Count;
        var k = random.NextInt64(Math.Min(untaken, WalkLimit));
        var genes = new int[domains.Count];
        while (true)
        {
            var genome = new Genome(genes);
            if (!taken.Contains(genome) && k-- == 0) return genome;
            if (!Increment(genes)) return null; // unreachable: untaken > k genomes exist
        }
    }

    // The walk for a canonical map, where the number of untaken candidates is unknown: the
    // first genome in lexicographic order whose candidate is untaken.
    private Genome? FirstUntakenCandidate(HashSet<Genome> taken)
    {
        var genes = new int[domains.Count];
        for (var step = 0; step < WalkLimit; step++)
        {
            var genome = Canonical(new Genome(genes));
            if (!taken.Contains(genome)) return genome;
            if (!Increment(genes)) return null;
        }
        return null;
    }

    private bool Increment(int[] genes)
    {
        for (var i = genes.Length - 1; i >= 0; i--)
        {
            if (++genes[i] < domains[i].Count) return true;
            genes[i] = 0;
        }
        return false;
    }

    private void Check(Genome genome)
    {
        if (genome.Length != domains.Count)
            throw new ArgumentException($"Genome {genome} has {genome.Length} genes; the space has {domains.Count}.");
        for (var i = 0; i < genome.Length; i++)
            if (genome[i] < 0 || genome[i] >= domains[i].Count)
                throw new ArgumentException($"Genome {genome}: gene '{domains[i].Name}' is {genome[i]}, outside 0..{domains[i].Count - 1}.");
    }
}
