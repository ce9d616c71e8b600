namespace Qnn.Engine.Format;

/// <summary>A .qnnx file that cannot be read: bad magic, unknown version, a checksum mismatch,
/// truncated, sizes that disagree, or a number past <see cref="QnnxLimits"/>; the message names
/// the layer and the field.</summary>
public sealed class QnnxFormatException(string message, Exception? inner = null) : Exception(message, inner);
