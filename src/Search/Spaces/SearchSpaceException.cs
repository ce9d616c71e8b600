namespace Qnn.Search.Spaces;

/// <summary>A search space that cannot be used: not JSON, an unknown key, an empty choice, a
/// range whose min exceeds its max, or a value no model spec can express. <see cref="Key"/> names
/// the key at fault (null where none is, e.g. text that is not JSON); the message names it too.</summary>
public sealed class SearchSpaceException : Exception
{
    /// <summary>A problem with the space as a whole.</summary>
    public SearchSpaceException(string message) : base(message) { }

    /// <summary>A problem with the value of <paramref name="key"/>.</summary>
    public SearchSpaceException(string key, string problem) : base($"search space key \"{key}\": {problem}") => Key = key;

    /// <summary>The key at fault, or null.</summary>
    public string? Key { get; }
}
