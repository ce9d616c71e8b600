using Qnn.Search.Genes;

namespace Qnn.Search.Optimization;

/// <summary>Steady-state NSGA-II (Deb et al. 2002) with constraint domination, for the study's
/// ask-one-candidate-at-a-time workers. Each proposal:
/// <list type="number">
/// <item>While fewer than <c>populationSize</c> trials have results: a random untaken genome.</item>
/// <item>Otherwise the parent population is the best <c>populationSize</c> scored trials by
/// (constraint-domination rank, then crowding distance, larger first; ties by history order).
/// Running and queued trials are never parents.</item>
/// <item>Two parents by binary tournament on (rank, crowding); uniform crossover (each gene from
/// either parent) with probability <see cref="CrossoverProbability"/>, else a copy of the first.</item>
/// <item>Mutation of each gene with probability <see cref="MutationProbability"/> (default
/// 1/genes): an ordered gene moves 1 or 2 steps up or down within its bounds (its values are
/// neighbours), a categorical gene takes another value uniformly. A child equal to a parent gets
/// one gene mutated for certain, so no proposal merely repeats a parent.</item>
/// <item>Duplicate elimination: a child the history has taken (any state) is discarded and the
/// steps above retried up to <see cref="MaxAttempts"/> times; then a random untaken genome; null
/// once every genome of the space is taken.</item>
/// </list>
/// Deterministic for a given <see cref="Random"/> state and history order.</summary>
public sealed class NsgaII : ISampler
{
    private GenomeSpace space;

    /// <summary>NSGA-II over <paramref name="domains"/> with a parent population of
    /// <paramref name="populationSize"/> (at least 2).</summary>
    public NsgaII(IReadOnlyList<GeneDomain> domains, int populationSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(populationSize, 2);
        space = new GenomeSpace(domains);
        PopulationSize = populationSize;
    }

    /// <summary>The parent population's size (<c>--population</c>).</summary>
    public int PopulationSize { get; }

    /// <summary>The chance that a child is a uniform crossover of its two parents rather than a
    /// copy of the first (then mutated). Default 0.9.</summary>
    public double CrossoverProbability
    {
        get;
        init => field = value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(CrossoverProbability), value, "A probability is between 0 and 1.");
    } = 0.9;

    /// <summary>Each gene's chance to mutate; null means 1/(number of genes).</summary>
    public double? MutationProbability
    {
        get;
        init => field = value is null or (>= 0 and <= 1) ? value : throw new ArgumentOutOfRangeException(nameof(MutationProbability), value, "A probability is between 0 and 1.");
    }

    /// <summary>How many children to breed before giving up on an untaken one and proposing a
    /// random untaken genome instead. Default 100.</summary>
    public int MaxAttempts
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxAttempts), value, "Attempts cannot be negative.");
    } = 100;

    /// <summary>Optional: maps a genome to the one representative of all genomes that decode to
    /// the same model (e.g. the genes of layers beyond the layer count set to 0), so that a
    /// candidate already evaluated under another genome is never proposed again (the issue's
    /// "same spec is never trained twice"). Every proposal is then a representative, and a
    /// history genome takes its whole class. Null: genomes are distinct candidates.</summary>
    public Func<Genome, Genome>? Canonical
    {
        get;
        init
        {
            field = value;
            space = new GenomeSpace(space.Domains, value);
        }
    }

    /// <inheritdoc />
    public Genome? Propose(IReadOnlyList<Scored> history, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var taken = space.Taken(history);
        if (space.IsExhausted(taken)) return null;
        var scored = history.Where(s => s.Result is not null).ToList();
        if (scored.Count < PopulationSize) return space.RandomUntaken(taken, random);

        var population = Population(scored.Select(s => s.Result!).ToList(), PopulationSize);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var first = scored[Tournament(population, random).Index].Genome;
            var second = scored[Tournament(population, random).Index].Genome;
            var child = space.Canonical(new Genome(Breed(first, second, random)));
            if (!taken.Contains(child)) return child;
        }
        return space.RandomUntaken(taken, random);
    }

    /// <summary>The best <paramref name="size"/> of <paramref name="results"/> as NSGA-II's
    /// environmental selection picks them: whole fronts in rank order, the last one cut by crowding
    /// distance (larger first, ties by index). Each member carries its index, rank and crowding
    /// distance (computed over its whole front).</summary>
    internal static IReadOnlyList<Member> Population(IReadOnlyList<Evaluation> results, int size)
    {
        var members = new List<Member>();
        var fronts = Pareto.NonDominatedSort(results);
        for (var rank = 0; rank < fronts.Count && members.Count < size; rank++)
        {
            var front = fronts[rank];
            var crowding = Pareto.CrowdingDistance(front.Select(i => results[i]).ToList());
            var ordered = Enumerable.Range(0, front.Count)
                .OrderByDescending(k => crowding[k]).ThenBy(k => front[k])
                .Take(size - members.Count);
            members.AddRange(ordered.Select(k => new Member(front[k], rank, crowding[k])));
        }
        return members;
    }

    /// <summary>The better of two random members (distinct ones): lower rank, then larger
    /// crowding distance, then the first drawn.</summary>
    internal static Member Tournament(IReadOnlyList<Member> population, Random random)
    {
        var i = random.Next(population.Count);
        var j = random.Next(population.Count - 1);
        if (j >= i) j++;
        var (a, b) = (population[i], population[j]);
        if (b.Rank < a.Rank || (b.Rank == a.Rank && b.Crowding > a.Crowding)) return b;
        return a;
    }

    private int[] Breed(Genome first, Genome second, Random random)
    {
        var length = first.Length;
        var child = new int[length];
        var cross = random.NextDouble() < CrossoverProbability;
        for (var i = 0; i < length; i++)
            child[i] = cross && random.Next(2) == 1 ? second[i] : first[i];

        var rate = MutationProbability ?? (length == 0 ? 0 : 1.0 / length);
        for (var i = 0; i < length; i++)
            if (random.NextDouble() < rate) child[i] = Mutate(i, child[i], random);

        if (IsCopyOf(child, first) || IsCopyOf(child, second))
        {
            var mutable = Enumerable.Range(0, length).Where(i => space.Domains[i].Count > 1).ToArray();
            if (mutable.Length > 0)
            {
                var i = mutable[random.Next(mutable.Length)];
                child[i] = Mutate(i, child[i], random);
            }
        }
        return child;
    }

    private int Mutate(int gene, int value, Random random)
    {
        var domain = space.Domains[gene];
        if (domain.Count < 2) return value;
        if (!domain.Ordered)
        {
            // Another value, uniformly: draw among Count − 1 and skip over the current one.
            var other = random.Next(domain.Count - 1);
            return other >= value ? other + 1 : other;
        }
        // A neighbour within two steps, uniformly among those inside the bounds.
        var low = Math.Max(0, value - 2);
        var high = Math.Min(domain.Count - 1, value + 2);
        var pick = random.Next(high - low); // high − low candidates besides the value itself
        var moved = low + pick;
        return moved >= value ? moved + 1 : moved;
    }

    private static bool IsCopyOf(int[] child, Genome parent)
    {
        for (var i = 0; i < child.Length; i++)
            if (child[i] != parent[i]) return false;
        return true;
    }

    /// <summary>A member of the parent population: its index among the scored trials, its front
    /// (0 = best) and its crowding distance.</summary>
    internal sealed record Member(int Index, int Rank, double Crowding);
}
