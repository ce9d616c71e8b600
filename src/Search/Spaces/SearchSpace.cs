using Qnn.Search.Genes;

namespace Qnn.Search.Spaces;

/// <summary>
/// A search space: which models a search may try, as genes (see <c>GeneLayout.cs</c> for their
/// order and <c>SpaceDecoder.cs</c> for how a genome becomes a spec). Built from a built-in name
/// (<see cref="Builtin"/>) or a JSON text (<see cref="Parse"/>); both are validated, so every
/// genome within <see cref="Domains"/> decodes to a valid spec or an infeasible candidate with its
/// problem, never an exception.
/// </summary>
public sealed class SearchSpace
{
    private readonly SpaceDefinition definition;
    private readonly IReadOnlyList<GeneDomain>? fixedDomains;

    private SearchSpace(SpaceDefinition definition)
    {
        this.definition = definition;
        Json = SpaceWriter.Write(definition);
        fixedDomains = definition.FeatureBits ? null : GeneLayout.Domains(definition, 0);
    }

    /// <summary>"mlp" or "cnn".</summary>
    public string Kind => definition.Kind;

    /// <summary>Whether the genes depend on the input (<c>featureBits: true</c>: one width gene per
    /// feature); then use <see cref="DomainsFor"/>.</summary>
    public bool DependsOnInput => fixedDomains is null;

    /// <summary>The genes in their fixed order. A space with <c>featureBits: true</c> has one gene
    /// per input feature and no fixed genes: this throws <see cref="InvalidOperationException"/>
    /// there (see <see cref="DependsOnInput"/>); <see cref="DomainsFor"/> answers for every space.</summary>
    public IReadOnlyList<GeneDomain> Domains =>
        fixedDomains ?? throw new InvalidOperationException("this space has one input-width gene per feature (featureBits: true); its genes depend on the input: call DomainsFor(input)");

    /// <summary>The genes for candidates of <paramref name="input"/> (an MLP space given an image
    /// counts its C·H·W values as features).</summary>
    public IReadOnlyList<GeneDomain> DomainsFor(InputShape input) =>
        fixedDomains ?? GeneLayout.Domains(definition, (int)Math.Min(input.Values, int.MaxValue));

    /// <summary>The canonical JSON of the space: every key, in a fixed order; a study stores it.</summary>
    public string Json { get; }

    /// <summary>The built-in space "mlp" or "cnn" (the issue's keys; see <c>BuiltinSpaces.cs</c>).</summary>
    /// <exception cref="SearchSpaceException">For any other name.</exception>
    public static SearchSpace Builtin(string name) =>
        new(BuiltinSpaces.Named(name) ?? throw new SearchSpaceException($"there is no built-in search space \"{name}\"; the built-in spaces are mlp and cnn (or give a space's JSON file)"));

    /// <summary>A space from its JSON: <c>kind</c> ("mlp" or "cnn") and any of its keys; keys left
    /// out take the built-in space's values.</summary>
    /// <exception cref="SearchSpaceException">Not JSON, an unknown key, an empty or repeated choice,
    /// min > max, or a value no spec can express; the message names the key.</exception>
    public static SearchSpace Parse(string json) => new(SpaceParser.Parse(json));

    /// <summary>The candidate <paramref name="genome"/> stands for, with <paramref name="classes"/>
    /// outputs and named <paramref name="name"/>: a spec that <c>Spec.validate</c> accepts, or an
    /// infeasible candidate saying why (also for a genome outside the domains or an input the space
    /// cannot take). Never throws for a genome within <see cref="DomainsFor"/>.</summary>
    public Candidate Decode(Genome genome, InputShape input, int classes, string name)
    {
        ArgumentNullException.ThrowIfNull(genome);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(name);
        if (input.Shape.Length is not (1 or 3) || input.Shape.Any(n => n <= 0))
            return new Candidate(null, $"the input shape [{string.Join(", ", input.Shape)}] is neither [features] nor [channels, height, width] of positive sizes");
        return SpaceDecoder.Decode(definition, DomainsFor(input), genome, input, classes, name);
    }

    /// <summary>
    /// The representative of every genome that decodes to the same spec as <paramref name="genome"/>:
    /// each gene, in order, is set to 0 where that leaves the decoded spec unchanged (the genes of
    /// absent layers, a bit width that an unquantized layer ignores…). A sampler given this map
    /// never proposes two genomes of one spec, so no spec is trained twice. Infeasible genomes
    /// map to themselves.
    /// </summary>
    public Genome Canonical(Genome genome, InputShape input, int classes)
    {
        string? Key(Genome g) => Decode(g, input, classes, "canonical").Spec is { } spec ? Spec.toJson(spec) : null;
        var key = Key(genome);
        if (key is null)
            return genome;
        var genes = genome.Genes.ToArray();
        for (var i = 0; i < genes.Length; i++)
        {
            if (genes[i] == 0)
                continue;
            var kept = genes[i];
            genes[i] = 0;
            if (Key(new Genome(genes)) != key)
                genes[i] = kept;
        }
        return new Genome(genes);
    }
}
