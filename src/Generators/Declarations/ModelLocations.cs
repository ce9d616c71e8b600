using System.Linq;

namespace Qnn.Generators.Declarations;

/// <summary>
/// Where each <see cref="Site"/> of one model declaration stands in source. Kept out of the
/// cached model: it changes whenever a line above the model moves, and only the diagnostics
/// step reads it.
/// </summary>
internal sealed record ModelLocations(string ModelKey, EquatableArray<SiteLocation> Sites)
{
    /// <summary>The site's location; an argument not found falls back to its attribute, then to the class.</summary>
    public LocationInfo? Find(Site site) =>
        Lookup(site) ?? Lookup(site.Attribute) ?? Lookup(Site.Class);

    private LocationInfo? Lookup(Site site) => Sites.FirstOrDefault(s => s.Site == site)?.Location;
}
