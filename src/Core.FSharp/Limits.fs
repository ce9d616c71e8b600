/// Numeric limits that several parts of Qnn must agree on, each defined once.
module Qnn.Limits

/// The widest input code that is an exact integer in float32 (a 24-bit significand). Inputs of
/// more bits are left float by the input quantizer, counted as float by the cost model, and
/// refused by the integer engine (whose runtime copy, `InputStage.MaxCodeBits` in Qnn.Engine, a
/// test compares with this one).
[<Literal>]
let MaxCodeBits = 24
