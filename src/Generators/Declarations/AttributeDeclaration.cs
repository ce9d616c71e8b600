using System;

namespace Qnn.Generators.Declarations;

/// <summary>A DSL attribute on a model class: its short name (Dense, Conv, Input…), its arguments and its site.</summary>
internal sealed record AttributeDeclaration(string Name, EquatableArray<ArgumentDeclaration> Arguments, Site Site)
{
    public ArgumentDeclaration? Find(string name)
    {
        foreach (var argument in Arguments)
        {
            if (string.Equals(argument.Name, name, StringComparison.Ordinal))
                return argument;
        }
        return null;
    }

    public int Int(string name, int fallback) => Find(name) is { } a ? (int)a.Integer : fallback;

    public int? OptionalInt(string name) => Find(name) is { } a ? (int)a.Integer : null;

    public double Number(string name, double fallback) => Find(name) is { } a ? a.Number : fallback;

    public bool Bool(string name, bool fallback) => Find(name) is { } a ? a.Integer != 0 : fallback;

    /// <summary>Where an argument stands, else the attribute itself.</summary>
    public Site SiteOf(string name) => Find(name) is not null ? Site with { Argument = name } : Site;
}
