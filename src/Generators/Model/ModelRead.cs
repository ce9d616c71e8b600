namespace Qnn.Generators.Model;

/// <summary>
/// What reading one model class gives: the location-free declaration that analysis and emission
/// consume (and cache on), and the locations that only the diagnostics step needs.
/// </summary>
public sealed record ModelRead(ModelDeclaration Declaration, ModelLocations Locations);
