namespace Qnn.Export.C;

/// <summary>How the generated C holds a layer's input or output values in its 32-bit words.</summary>
internal enum CValues
{
    /// <summary>Integer input codes, one <c>uint32_t</c> each (the first layer of a model whose
    /// inputs are all codes of at most 24 bits).</summary>
    Codes,
    /// <summary>±1 values, bit-packed 32 to a word (bit set for +1).</summary>
    Packed,
    /// <summary>One float32 a word, stored as its bit pattern (ternary values, DoReFa codes,
    /// ReLU outputs, unrounded inputs): read and written through a union, so no pointer is cast.</summary>
    Floats,
    /// <summary>Float logits, the last layer's output.</summary>
    Logits,
}
