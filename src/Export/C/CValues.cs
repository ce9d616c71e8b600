namespace Qnn.Export.C;

/// <summary>How the generated C holds a layer's input or output values in its 32-bit words.</summary>
internal enum CValues
{
    /// <summary>Integer input codes, one <c>NAME_code_t</c> each (the narrowest unsigned type that
    /// holds every feature's codes): the first layer's input in a model whose inputs are all
    /// codes of at most 24 bits.</summary>
    Codes,
    /// <summary>±1 values, bit-packed 32 to a word (bit set for +1).</summary>
    Packed,
    /// <summary>One float32 a word, stored as its bit pattern (ternary values, DoReFa codes,
    /// ReLU outputs, unrounded inputs): read and written through a union, so no pointer is cast.</summary>
    Floats,
    /// <summary>Whole numbers, one <c>int32_t</c> a word (the levels a ternary or n-bit activation
    /// folds to: -1, 0, 1 or 0 … L), so that integer layers read them without a float.</summary>
    Ints,
    /// <summary>Whole numbers 0..255 (DoReFa codes of up to 8 bits), one byte each, four to a word:
    /// read and written through <c>unsigned char</c> pointers, which C lets alias any object. A
    /// quarter of the RAM of <see cref="Ints"/>.</summary>
    Bytes,
    /// <summary>The last layer's integer sums z, one <c>int32_t</c> a word, from which the logits
    /// (the affine form in float32) or the class (in fixed point) are computed.</summary>
    Sums,
    /// <summary>Float logits, the last layer's output where it sums in float.</summary>
    Logits,
}
