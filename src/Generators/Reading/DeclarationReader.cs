using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Qnn.Generators.Declarations;

namespace Qnn.Generators.Reading;

/// <summary>
/// The first pipeline stage: reads a model class's symbol and syntax into a location-free
/// <see cref="ModelDeclaration"/> of plain values and, apart, the <see cref="ModelLocations"/> of
/// its sites. No symbols or syntax nodes leave this class.
/// </summary>
internal static class DeclarationReader
{
    public const string AttributeNamespace = "Qnn";
    public const string MlpAttribute = "Qnn.QuantizedMlpAttribute";
    public const string CnnAttribute = "Qnn.QuantizedCnnAttribute";

    private static readonly string[] ModelAttributeNames = { "QuantizedMlp", "QuantizedCnn" };
    private static readonly string[] InputAttributeNames = { "Input", "ImageInput" };
    private static readonly string[] LayerAttributeNames = { "Dense", "Conv" };

    /// <summary>
    /// Reads the class the attribute <paramref name="trigger"/> sits on. A class that carries both
    /// model attributes is read once, through the MLP trigger, which reports QNN002.
    /// </summary>
    public static ModelRead? Read(GeneratorAttributeSyntaxContext context, string trigger, CancellationToken cancellation)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type)
            return null;
        var attributes = type.GetAttributes()
            .Where(a => a.AttributeClass?.ContainingNamespace?.ToDisplayString() == AttributeNamespace)
            .Select(a => (Data: a, Syntax: a.ApplicationSyntaxReference?.GetSyntax(cancellation) as AttributeSyntax))
            .OrderBy(a => a.Syntax?.SyntaxTree.FilePath, StringComparer.Ordinal)
            .ThenBy(a => a.Syntax?.SpanStart ?? 0)
            .ToList();
        if (trigger == CnnAttribute && attributes.Any(a => a.Data.AttributeClass?.ToDisplayString() == MlpAttribute))
            return null;

        var sites = new List<SiteLocation>();
        List<AttributeDeclaration> Of(string[] names, string kind) => attributes
            .Where(a => names.Contains(ShortName(a.Data)))
            .Select((a, index) => ReadAttribute(a.Data, a.Syntax, new Site(kind, index, null), sites))
            .ToList();

        var syntax = (TypeDeclarationSyntax)context.TargetNode;
        var isPartial = type.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(cancellation))
            .OfType<TypeDeclarationSyntax>()
            .All(d => d.Modifiers.Any(SyntaxKind.PartialKeyword));

        AddSite(sites, Site.Class, LocationInfo.From(syntax.Identifier.GetLocation()));
        var declaration = new ModelDeclaration(
            Namespace: type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            ClassName: type.Name,
            ContainingTypes: ContainingTypes(type, sites, cancellation).ToEquatableArray(),
            IsPartial: isPartial,
            IsGeneric: type.TypeParameters.Length > 0,
            HasBaseClass: type.BaseType is { SpecialType: not SpecialType.System_Object },
            ModelAttributes: Of(ModelAttributeNames, "model").ToEquatableArray(),
            InputAttributes: Of(InputAttributeNames, "input").ToEquatableArray(),
            LayerAttributes: Of(LayerAttributeNames, "layer").ToEquatableArray());
        return new ModelRead(declaration, new ModelLocations(declaration.Key, sites.ToEquatableArray()));
    }

    private static void AddSite(List<SiteLocation> sites, Site site, LocationInfo? location)
    {
        if (location is not null)
            sites.Add(new SiteLocation(site, location));
    }

    private static string ShortName(AttributeData attribute)
    {
        var name = attribute.AttributeClass?.Name ?? "";
        return name.EndsWith("Attribute", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
    }

    private static IEnumerable<ContainingType> ContainingTypes(INamedTypeSymbol type, List<SiteLocation> sites, CancellationToken cancellation)
    {
        var chain = new List<(ContainingType Type, LocationInfo? Location)>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            var declaration = outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellation)).OfType<TypeDeclarationSyntax>().FirstOrDefault();
            var keyword = declaration switch
            {
                RecordDeclarationSyntax r => r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
                StructDeclarationSyntax => "struct",
                InterfaceDeclarationSyntax => "interface",
                _ => "class",
            };
            var isPartial = declaration?.Modifiers.Any(SyntaxKind.PartialKeyword) ?? false;
            chain.Insert(0, (new ContainingType(keyword, outer.Name, isPartial, outer.TypeParameters.Length > 0),
                LocationInfo.From(declaration?.Identifier.GetLocation())));
        }
        for (var i = 0; i < chain.Count; i++)
            AddSite(sites, Site.Outer(i), chain[i].Location);
        return chain.Select(c => c.Type);
    }

    private static AttributeDeclaration ReadAttribute(AttributeData data, AttributeSyntax? syntax, Site site, List<SiteLocation> sites)
    {
        AddSite(sites, site, LocationInfo.From(syntax));
        var arguments = new List<ArgumentDeclaration>();
        var syntaxArguments = syntax?.ArgumentList?.Arguments ?? default;
        var positional = syntaxArguments.Where(a => a.NameEquals is null).ToList();
        var parameters = data.AttributeConstructor?.Parameters ?? ImmutableArrayOfNone;
        for (var i = 0; i < data.ConstructorArguments.Length && i < parameters.Length; i++)
        {
            AddSite(sites, site with { Argument = parameters[i].Name }, LocationInfo.From(i < positional.Count ? positional[i] : null));
            arguments.Add(ReadArgument(parameters[i].Name, data.ConstructorArguments[i]));
        }
        foreach (var named in data.NamedArguments)
        {
            var argumentSyntax = syntaxArguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == named.Key);
            AddSite(sites, site with { Argument = named.Key }, LocationInfo.From(argumentSyntax));
            arguments.Add(ReadArgument(named.Key, named.Value));
        }
        return new AttributeDeclaration(ShortName(data), arguments.ToEquatableArray(), site);
    }

    private static readonly System.Collections.Immutable.ImmutableArray<IParameterSymbol> ImmutableArrayOfNone =
        System.Collections.Immutable.ImmutableArray<IParameterSymbol>.Empty;

    private static ArgumentDeclaration ReadArgument(string name, TypedConstant constant)
    {
        if (constant.Kind == TypedConstantKind.Array)
        {
            var values = constant.IsNull
                ? Enumerable.Empty<int>()
                : constant.Values.Select(v => v.Value is null ? 0 : Convert.ToInt32(v.Value, System.Globalization.CultureInfo.InvariantCulture));
            return new ArgumentDeclaration(name, 0, 0, IsArray: true, values.ToEquatableArray());
        }
        var value = constant.Value;
        var number = value switch
        {
            null => 0.0,
            bool b => b ? 1.0 : 0.0,
            _ => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        };
        var integer = value switch
        {
            null => 0L,
            bool b => b ? 1L : 0L,
            double or float => (long)number,
            _ => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        };
        return new ArgumentDeclaration(name, integer, number, IsArray: false, EquatableArray<int>.Empty);
    }
}
