namespace Qnn.Generators.Model;

/// <summary>A type that contains a nested model class (it must be partial too).</summary>
public sealed record ContainingType(string Keyword, string Name, bool IsPartial, bool IsGeneric, LocationInfo? Location);

/// <summary>
/// What the first pipeline stage reads from a model class: names, the C# facts the rules need
/// (partial, generic, base class), and every DSL attribute in source order. Plain values only, so
/// an unrelated edit leaves it equal and the later stages cached.
/// </summary>
public sealed record ModelDeclaration(
    string? Namespace,
    string ClassName,
    EquatableArray<ContainingType> ContainingTypes,
    bool IsPartial,
    bool IsGeneric,
    bool HasBaseClass,
    LocationInfo? ClassLocation,
    EquatableArray<AttributeDeclaration> ModelAttributes,
    EquatableArray<AttributeDeclaration> InputAttributes,
    EquatableArray<AttributeDeclaration> LayerAttributes);
