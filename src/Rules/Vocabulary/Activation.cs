namespace Qnn;

/// <summary>The activation after each hidden layer's BatchNorm.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
enum Activation
{
    /// <summary>No activation (identity).</summary>
    None = 0,
    Relu = 1,
    /// <summary>sign(x) ∈ {-1, +1}, clipped STE.</summary>
    Binarize = 2,
    /// <summary>sign(x), ReSTE estimator with the model's o and threshold.</summary>
    BinarizeReste = 3,
    /// <summary>sign(x), Bi-Real Net ApproxSign gradient 2 - 2|x|.</summary>
    BinarizeApprox = 4,
    /// <summary>sign(x), BNN+ SwishSign gradient with the model's β.</summary>
    BinarizeSwish = 5,
    /// <summary>{-1, 0, +1} with the model's ternary threshold, clipped STE.</summary>
    Ternarize = 6,
    /// <summary>DoReFa k-bit activation with <c>ActivationBits = k</c>.</summary>
    NBits = 7,
}
