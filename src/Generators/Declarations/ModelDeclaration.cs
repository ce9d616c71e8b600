using System.Linq;

namespace Qnn.Generators.Declarations;

/// <summary>A type that contains a nested model class (it must be partial too).</summary>
internal sealed record ContainingType(string Keyword, string Name, bool IsPartial, bool IsGeneric);

/// <summary>
/// What the first pipeline stage reads from a model class: names, the C# facts the rules need
/// (partial, generic, base class), and every DSL attribute in source order. Plain values and no
/// source positions, so an edit elsewhere in the file (even lines above the model) leaves it
/// equal and the later stages cached.
/// </summary>
internal sealed record ModelDeclaration(
    string? Namespace,
    string ClassName,
    EquatableArray<ContainingType> ContainingTypes,
    bool IsPartial,
    bool IsGeneric,
    bool HasBaseClass,
    EquatableArray<AttributeDeclaration> ModelAttributes,
    EquatableArray<AttributeDeclaration> InputAttributes,
    EquatableArray<AttributeDeclaration> LayerAttributes)
{
    /// <summary>Names the model among all of a compilation's: namespace, containing types, class.</summary>
    public string Key => string.Join(".", new[] { Namespace ?? "" }.Concat(ContainingTypes.Select(t => t.Name)).Concat(new[] { ClassName }));
}
