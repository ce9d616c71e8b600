namespace Qnn.Engine;

/// <summary>
/// The one way code outside a layer handles each layer kind (the file writer, the C writer, the
/// lanes plan, inspection): a method per concrete kind, reached through
/// <see cref="EngineLayer.Accept{TResult}"/>. A new kind adds its method here, and the compiler
/// then names every visitor that must learn it (docs/DESIGN.md lists them), where a type switch
/// would have compiled and failed at run time.
/// </summary>
/// <typeparam name="TResult">What the visit gives back.</typeparam>
public interface ILayerVisitor<out TResult>
{
    /// <summary>±1 weights, XNOR–popcount (or codes × ±1 on the first layer).</summary>
    TResult Visit(BinaryDenseLayer layer);
    /// <summary>Ternary or n-bit (≤ 8) integer weights.</summary>
    TResult Visit(IntegerDenseLayer layer);
    /// <summary>Weights of any width, integer or real sums.</summary>
    TResult Visit(GeneralDenseLayer layer);
    /// <summary>Float weights (an unquantized layer).</summary>
    TResult Visit(FloatDenseLayer layer);
    /// <summary>±1 convolution weights.</summary>
    TResult Visit(BinaryConvLayer layer);
    /// <summary>Convolution weights of any width.</summary>
    TResult Visit(GeneralConvLayer layer);
    /// <summary>Max pooling of ±1 values (an OR of sign bits).</summary>
    TResult Visit(MaxPoolLayer layer);
    /// <summary>Max pooling of real values.</summary>
    TResult Visit(ValueMaxPoolLayer layer);
    /// <summary>Average pooling as window sums.</summary>
    TResult Visit(AveragePoolLayer layer);
}
