using Microsoft.CodeAnalysis;

namespace Qnn.Generators.Declarations;

/// <summary>
/// A diagnostic to report, as cacheable data: its code (one descriptor per code), the site at
/// fault and the arguments of the descriptor's message format.
/// </summary>
internal sealed record DiagnosticInfo(string Id, Site Site, EquatableArray<string> Arguments)
{
    /// <summary>The diagnostic at the site's current location.</summary>
    public Diagnostic ToDiagnostic(ModelLocations? locations)
    {
        var descriptor = Diagnostics.DiagnosticDescriptors.ById(Id);
        var location = locations?.Find(Site)?.ToLocation();
        return Diagnostic.Create(descriptor, location, messageArgs: System.Linq.Enumerable.ToArray<object>(Arguments));
    }
}
