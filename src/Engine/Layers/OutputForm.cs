namespace Qnn.Engine;

/// <summary>The four forms of a <see cref="LayerOutput"/>.</summary>
public enum OutputForm
{
    /// <summary>±1 through one folded threshold per output (integer-only).</summary>
    Signs,
    /// <summary>Float logits through the BatchNorm's affine form.</summary>
    Logits,
    /// <summary>Integer values through several folded thresholds per output (integer-only).</summary>
    Levels,
    /// <summary>The affine form, then an activation computed in float.</summary>
    Activated,
}
