namespace Qnn.Generators.Declarations;

/// <summary>
/// Where a diagnostic points, as a key into the declaration rather than a source position: the
/// class name ("class"), a containing type ("outer", its index), a model, input or layer
/// attribute ("model", "input", "layer", its index among those), and optionally one of the
/// attribute's arguments. Keys stay equal when lines above the model move, so the cached
/// pipeline holds no positions; <see cref="ModelLocations"/> turns a key into a location.
/// </summary>
internal sealed record Site(string Kind, int Index, string? Argument)
{
    public static Site Class { get; } = new("class", 0, null);

    public static Site Outer(int index) => new("outer", index, null);

    /// <summary>The same attribute without an argument (where an argument was left out).</summary>
    public Site Attribute => Argument is null ? this : this with { Argument = null };
}
