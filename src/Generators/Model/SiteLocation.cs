namespace Qnn.Generators.Model;

/// <summary>One <see cref="Site"/> of a declaration and where it stands in source.</summary>
public sealed record SiteLocation(Site Site, LocationInfo Location);
