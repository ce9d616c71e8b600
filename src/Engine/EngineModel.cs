namespace Qnn.Engine;

/// <summary>
/// A frozen network: the input quantizer as integer codes, then binary layers with folded
/// thresholds, ending in logits. Predicts one sample or a batch on one thread, allocating nothing
/// per sample (a <see cref="Workspace"/> holds every buffer).
/// </summary>
public sealed class EngineModel
{
    /// <param name="name">The model's name.</param>
    /// <param name="input">The input quantizer.</param>
    /// <param name="layers">The layers in order; the last outputs logits.</param>
    /// <param name="classNames">The classes' names, one per logit, or null (or empty) when unknown.</param>
    public EngineModel(string name, InputStage input, IReadOnlyList<EngineLayer> layers, IReadOnlyList<string>? classNames = null)
    {
        Name = name;
        Input = input;
        Layers = layers;
        var size = input.Size;
        foreach (var layer in layers)
        {
            if (layer.InputSize != size)
                throw new ArgumentException($"{layer.Name} takes {layer.InputSize} values but receives {size}");
            size = layer.OutputSize;
        }
        Classes = size;
        if (classNames is { Count: > 0 } && classNames.Count != size)
            throw new ArgumentException($"{classNames.Count} class names for a model of {size} classes");
        ClassNames = classNames is { Count: > 0 } ? classNames.ToArray() : null;
    }

    /// <summary>The model's name.</summary>
    public string Name { get; }
    /// <summary>The input quantizer.</summary>
    public InputStage Input { get; }
    /// <summary>The layers in order.</summary>
    public IReadOnlyList<EngineLayer> Layers { get; }
    /// <summary>Logits per sample.</summary>
    public int Classes { get; }
    /// <summary>The name of each class (index = logit), or null when the model does not know them.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Samples a batch prediction moves through each layer together.</summary>
    public static int BatchBlock => Workspace.Block;

    /// <summary>Buffers for one thread's predictions.</summary>
    public Workspace CreateWorkspace() => new(this);

    /// <summary>The logits of one sample (a view into the workspace, valid until its next use).</summary>
    public ReadOnlySpan<float> Logits(ReadOnlySpan<float> sample, Workspace workspace)
    {
        var activations = workspace.Activations;
        Input.Encode(sample, activations[0]);
        for (var i = 0; i < Layers.Count; i++)
            Layers[i].Forward(activations[i], activations[i + 1], workspace.Scratch[i]);
        return activations[Layers.Count];
    }

    /// <summary>The predicted class of one sample: the first largest logit (as torch.argmax).</summary>
    public int Predict(ReadOnlySpan<float> sample, Workspace workspace)
    {
        return ArgMax(Logits(sample, workspace));
    }

    /// <summary>Predicts every sample of a row-major batch into <paramref name="classes"/>, a block
    /// of samples at a time through each layer (so wide layers read their weights once per block).</summary>
    public void Predict(ReadOnlySpan<float> samples, Span<int> classes, Workspace workspace)
    {
        var size = Input.Size;
        if (samples.Length != classes.Length * size)
            throw new ArgumentException($"{classes.Length} samples of {size} values need {classes.Length * size} values, got {samples.Length}");
        workspace.EnsureBlockBuffers(this);
        var activations = workspace.BlockActivations!;
        for (var start = 0; start < classes.Length; start += Workspace.Block)
        {
            var count = Math.Min(Workspace.Block, classes.Length - start);
            for (var s = 0; s < count; s++)
                Input.Encode(samples.Slice((start + s) * size, size), activations[0].AsSpan(s * size, size));
            for (var i = 0; i < Layers.Count; i++)
                Layers[i].ForwardBlock(activations[i], activations[i + 1], count, workspace.BlockScratch![i]);
            for (var s = 0; s < count; s++)
                classes[start + s] = ArgMax(activations[Layers.Count].AsSpan(s * Classes, Classes));
        }
    }

    /// <summary>The first index of the largest value (as torch.argmax).</summary>
    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var j = 1; j < logits.Length; j++)
        {
            if (logits[j] > logits[best])
                best = j;
        }
        return best;
    }
}
