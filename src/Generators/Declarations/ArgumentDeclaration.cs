namespace Qnn.Generators.Declarations;

/// <summary>
/// One argument of a DSL attribute as written: the constructor parameter or property name and its
/// value (an integer, a number, a bool, an enum member as its integer, or an integer array). No
/// location: <see cref="ModelLocations"/> holds those.
/// </summary>
internal sealed record ArgumentDeclaration(
    string Name,
    long Integer,
    double Number,
    bool IsArray,
    EquatableArray<int> Integers);
