namespace Qnn.Generators.Declarations;

/// <summary>One <see cref="Site"/> of a declaration and where it stands in source.</summary>
internal sealed record SiteLocation(Site Site, LocationInfo Location);
