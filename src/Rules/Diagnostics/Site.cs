namespace Qnn.Rules;

/// <summary>Which part of a declaration a site names.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
enum SiteScope
{
    /// <summary>The model class (or the spec as a whole).</summary>
    Class,
    /// <summary>A type the model class is nested in (declarations only).</summary>
    OuterType,
    /// <summary>A model attribute, <c>[QuantizedMlp]</c> or <c>[QuantizedCnn]</c> (the spec's model-wide settings).</summary>
    ModelAttribute,
    /// <summary>An input attribute (the spec's <c>input</c>).</summary>
    InputAttribute,
    /// <summary>A layer attribute (the spec's <c>layers[i]</c>).</summary>
    Layer,
}

/// <summary>
/// Where a finding points, in terms both sides can place: the scope and its index among its kind,
/// the spec's field there (<see cref="Field"/>, in the core's path: <c>layers[2].Bits</c>) and the
/// declaration's argument (<see cref="Argument"/>: a property or constructor parameter of the
/// attribute; the generator points at the attribute itself where the argument was not written).
/// <see cref="Element"/> is an array entry of the field (<c>input.FeatureBits[3]</c>).
/// </summary>
#if QNN_GENERATOR
internal
#else
public
#endif
sealed record Site(SiteScope Scope, int Index, string? Field, string? Argument, int? Element = null)
{
    /// <summary>The class itself; <paramref name="field"/> is what a spec names there ("Name", "layers").</summary>
    public static Site Class(string? field = null) => new(SiteScope.Class, 0, field, null);

    public static Site Outer(int index) => new(SiteScope.OuterType, index, null, null);

    /// <summary>A model-wide setting: the field and the model attribute's argument of that name.</summary>
    public static Site Model(string field) => new(SiteScope.ModelAttribute, 0, field, field);

    /// <summary>An input attribute's argument (<paramref name="argument"/> when the attribute spells it otherwise).</summary>
    public static Site Input(int index, string? field, string? argument = null, int? element = null) =>
        new(SiteScope.InputAttribute, index, field, argument ?? field, element);

    /// <summary>A layer's argument (<paramref name="argument"/> when the attribute spells it otherwise).</summary>
    public static Site Layer(int index, string? field, string? argument = null) =>
        new(SiteScope.Layer, index, field, argument ?? field);

    /// <summary>The spec path the core reports: <c>Dropout</c>, <c>input.Bits</c>, <c>layers[2].Bits</c>, <c>layers</c>.</summary>
    public string Path => Scope switch
    {
        SiteScope.InputAttribute => "input" + (Field is null ? "" : "." + Field) + (Element is { } e ? $"[{e}]" : ""),
        SiteScope.Layer => $"layers[{Index}]" + (Field is null ? "" : "." + Field),
        _ => Field ?? "",
    };
}
