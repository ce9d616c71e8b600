/// Numeric limits that several parts of Qnn must agree on, each defined once.
module Qnn.Limits

/// The widest input code that is an exact integer in float32 (a 24-bit significand). Inputs of
/// more bits are left float by the input quantizer, counted as float by the cost model, and
/// refused by the integer engine (whose runtime copy, `InputStage.MaxCodeBits` in Qnn.Engine, a
/// test compares with this one).
[<Literal>]
let MaxCodeBits = 24

/// The longest model name, in UTF-16 characters. The name becomes a module name, a file's
/// metadata and a line of `inspect`; a bound keeps every one of them readable back.
[<Literal>]
let MaxNameLength = 256

/// The most parameters a model may have, weights and BatchNorm γ and β together: torch indexes a
/// flat parameter vector, the exporter counts weights and the engine offsets them in 32-bit
/// integers, so 2^31 - 1 is the largest count every part can hold.
[<Literal>]
let MaxParameters = 2147483647L

/// The most activation values one sample may produce at any stage (2^28, a gigabyte of float32
/// per sample): larger stages exhaust memory before the first batch has run.
[<Literal>]
let MaxActivationsPerSample = 268435456L
