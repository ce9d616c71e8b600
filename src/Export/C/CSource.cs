namespace Qnn.Export.C;

/// <summary>A model as C99: the header (<c>NAME.h</c>) and the source (<c>NAME.c</c>).</summary>
/// <param name="Prefix">The C identifier every public name starts with.</param>
/// <param name="Header">The header's text.</param>
/// <param name="Source">The source's text.</param>
/// <param name="ScratchBytes">Bytes of the scratch buffer a prediction uses.</param>
public sealed record CSource(string Prefix, string Header, string Source, int ScratchBytes);
