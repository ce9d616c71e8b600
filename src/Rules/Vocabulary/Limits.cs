namespace Qnn;

/// <summary>Numeric limits that several parts of Qnn must agree on, each defined once.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
static class Limits
{
    /// <summary>The widest input code that is an exact integer in float32 (a 24-bit significand).
    /// Inputs of more bits are left float by the input quantizer, counted as float by the cost
    /// model, and passed unrounded by the engine (whose runtime copy, <c>InputStage.MaxCodeBits</c>
    /// in Qnn.Engine, a test compares with this one).</summary>
    public const int MaxCodeBits = 24;

    /// <summary>The longest model name, in UTF-16 characters. The name becomes a module name, a
    /// file's metadata and a line of <c>inspect</c>; a bound keeps every one of them readable back.</summary>
    public const int MaxNameLength = 256;

    /// <summary>The most parameters a model may have, weights and BatchNorm γ and β together: torch
    /// indexes a flat parameter vector, the exporter counts weights and the engine offsets them in
    /// 32-bit integers, so 2^31 - 1 is the largest count every part can hold.</summary>
    public const long MaxParameters = 2147483647L;

    /// <summary>The most activation values one sample may produce at any stage (2^28, a gigabyte of
    /// float32 per sample): larger stages exhaust memory before the first batch has run.</summary>
    public const long MaxActivationsPerSample = 268435456L;

    /// <summary>Input widths a declaration may give: 1..32 bits.</summary>
    public const int MinInputBits = 1;
    public const int MaxInputBits = 32;

    /// <summary>Widths of NBits weights: 2..31 bits.</summary>
    public const int MinWeightBits = 2;
    public const int MaxWeightBits = 31;

    /// <summary>Widths of NBits (DoReFa) activations: 1..31 bits.</summary>
    public const int MinActivationBits = 1;
    public const int MaxActivationBits = 31;
}
