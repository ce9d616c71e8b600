namespace Qnn.Engine;

/// <summary>The activation an <see cref="OutputForm.Activated"/> output computes in float after
/// the BatchNorm's affine form. The values are the file format (format version 5).</summary>
public enum OutputActivation : byte
{
    /// <summary>y itself (logits, or a hidden layer without activation).</summary>
    Identity = 0,
    /// <summary>max(0, y).</summary>
    Relu = 1,
    /// <summary>±1, sign(0) = +1.</summary>
    Sign = 2,
    /// <summary>+1 where y &gt; t, −1 where y &lt; −t, else 0.</summary>
    Ternary = 3,
    /// <summary>The DoReFa code round(clip(y, 0, 1)·L), L = 2^k − 1.</summary>
    DoReFa = 4,
}
