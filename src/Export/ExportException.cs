namespace Qnn.Export;

/// <summary>A network the engine cannot run as it is (a layer kind, weight width or input width
/// the engine does not take), or a module that does not match its spec. The message names the
/// layer and the rule.</summary>
public sealed class ExportException(string message) : Exception(message);
