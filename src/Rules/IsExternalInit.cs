namespace System.Runtime.CompilerServices;

// Records' init accessors on netstandard2.0, which lacks the marker type.
internal static class IsExternalInit;
