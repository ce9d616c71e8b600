namespace Qnn.Engine;

/// <summary>
/// One stage of a frozen network. Activations between stages are float buffers holding exact
/// values: integer input codes, ±1 signs or real numbers (a float layer's output). Each stage
/// reads its input buffer and writes its output buffer; buffers come from a
/// <see cref="Workspace"/> made once, so prediction allocates nothing per sample.
/// </summary>
public abstract class EngineLayer
{
    /// <summary>Hands this layer to the visitor's method for its kind.</summary>
    public abstract TResult Accept<TResult>(ILayerVisitor<TResult> visitor);

    /// <summary>A short name for inspection: fc1, conv2, pool2…</summary>
    public abstract string Name { get; }

    /// <summary>Values per sample going in.</summary>
    public abstract int InputSize { get; }

    /// <summary>Values per sample coming out.</summary>
    public abstract int OutputSize { get; }

    /// <summary>Bytes the layer's parameters take in the exported file.</summary>
    public abstract long ParameterBytes { get; }

    /// <summary>Binary multiply-accumulates (XNOR–popcount) per sample.</summary>
    public virtual long BinaryOperations => 0;

    /// <summary>Integer and float multiply-accumulates per sample.</summary>
    public virtual long OtherOperations => 0;

    /// <summary>Computes one sample; <paramref name="scratch"/> is this layer's scratch space.</summary>
    public abstract void Forward(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch);

    /// <summary>Packed words of scratch this layer needs.</summary>
    public virtual int ScratchWords => 0;

    /// <summary>Scratch words for <see cref="ForwardBlock"/> over <paramref name="count"/> samples.</summary>
    public virtual int BlockScratchWords(int count) => ScratchWords;

    /// <summary>Computes <paramref name="count"/> samples stored one after another. A layer whose
    /// weights do not stay in cache overrides this to read each weight row once for the block.</summary>
    public virtual void ForwardBlock(ReadOnlySpan<float> inputs, Span<float> outputs, int count, Span<ulong> scratch)
    {
        for (var s = 0; s < count; s++)
            Forward(inputs.Slice(s * InputSize, InputSize), outputs.Slice(s * OutputSize, OutputSize), scratch);
    }
}
