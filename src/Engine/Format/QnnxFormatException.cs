namespace Qnn.Engine;

/// <summary>A .qnnx file that cannot be read: bad magic, unknown version, truncated, sizes that disagree.</summary>
public sealed class QnnxFormatException(string message, Exception? inner = null) : Exception(message, inner);
