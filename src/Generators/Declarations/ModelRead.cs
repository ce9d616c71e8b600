namespace Qnn.Generators.Declarations;

/// <summary>
/// What reading one model class gives: the location-free declaration that analysis and emission
/// consume (and cache on), and the locations that only the diagnostics step needs.
/// </summary>
internal sealed record ModelRead(ModelDeclaration Declaration, ModelLocations Locations);
