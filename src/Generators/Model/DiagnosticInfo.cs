using Microsoft.CodeAnalysis;

namespace Qnn.Generators.Model;

/// <summary>A diagnostic to report, as cacheable data: the code, its severity, location and message.</summary>
public sealed record DiagnosticInfo(string Id, bool IsWarning, LocationInfo? Location, string Message)
{
    /// <summary>The diagnostic; a warning keeps its code's descriptor and lowers the severity (QNN005's ignored Bits).</summary>
    public Diagnostic ToDiagnostic()
    {
        var descriptor = Diagnostics.DiagnosticDescriptors.ById(Id);
        var severity = IsWarning ? DiagnosticSeverity.Warning : descriptor.DefaultSeverity;
        return Diagnostic.Create(descriptor, Location?.ToLocation(), severity, additionalLocations: null, properties: null, Message);
    }
}
