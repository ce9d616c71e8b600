namespace Qnn.Engine.Format;

/// <summary>The byte that opens each layer in a .qnnx file. The values are the file format: a
/// value once written stays (version-1 files hold kinds 1 to 4).</summary>
internal enum LayerKind : byte
{
    /// <summary><see cref="BinaryDenseLayer"/>.</summary>
    BinaryDense = 1,
    /// <summary><see cref="BinaryConvLayer"/>.</summary>
    Conv = 2,
    /// <summary><see cref="MaxPoolLayer"/>.</summary>
    MaxPool = 3,
    /// <summary><see cref="FloatDenseLayer"/>.</summary>
    FloatDense = 4,
    /// <summary><see cref="IntegerDenseLayer"/> (format version 2).</summary>
    IntegerDense = 5,
    /// <summary><see cref="GeneralDenseLayer"/> (format version 5).</summary>
    GeneralDense = 6,
    /// <summary><see cref="GeneralConvLayer"/> (format version 5).</summary>
    GeneralConv = 7,
    /// <summary><see cref="ValueMaxPoolLayer"/> (format version 5).</summary>
    ValueMaxPool = 8,
    /// <summary><see cref="AveragePoolLayer"/> (format version 6).</summary>
    AveragePool = 9,
}
