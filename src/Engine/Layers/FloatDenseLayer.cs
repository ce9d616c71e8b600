namespace Qnn.Engine;

/// <summary>
/// A fully connected layer that stays float (a layer declared with float weights, such as
/// MiniMnistCnn's output layer): y_j = α_j·Σ_i w_ji·x_i + β_j with the BatchNorm's affine form,
/// then either the logits themselves or their signs.
/// </summary>
public sealed class FloatDenseLayer : EngineLayer
{
    /// <inheritdoc/>
    public override TResult Accept<TResult>(ILayerVisitor<TResult> visitor) => visitor.Visit(this);

    private readonly float[] weights;
    private readonly float[] alpha;
    private readonly float[] beta;

    /// <param name="name">The layer's name.</param>
    /// <param name="inputs">Inputs per sample.</param>
    /// <param name="weights">Outputs × inputs, row-major.</param>
    /// <param name="alpha">The BatchNorm's scale per output.</param>
    /// <param name="beta">The BatchNorm's shift per output.</param>
    /// <param name="signs">Whether the outputs go through sign (a hidden layer) or are logits.</param>
    public FloatDenseLayer(string name, int inputs, float[] weights, float[] alpha, float[] beta, bool signs)
    {
        if (alpha.Length != beta.Length || weights.Length != inputs * alpha.Length)
            throw new ArgumentException($"{name}: {alpha.Length} outputs of {inputs} inputs need {inputs * alpha.Length} weights, got {weights.Length}");
        Name = name;
        InputSize = inputs;
        this.weights = weights;
        this.alpha = alpha;
        this.beta = beta;
        Signs = signs;
    }

    /// <inheritdoc />
    public override string Name { get; }
    /// <inheritdoc />
    public override int InputSize { get; }
    /// <inheritdoc />
    public override int OutputSize => alpha.Length;
    /// <summary>Whether outputs are signs rather than logits.</summary>
    public bool Signs { get; }
    /// <summary>Row-major weights.</summary>
    public ReadOnlySpan<float> Weights => weights;
    /// <summary>BatchNorm scale.</summary>
    public ReadOnlySpan<float> Alpha => alpha;
    /// <summary>BatchNorm shift.</summary>
    public ReadOnlySpan<float> Beta => beta;
    /// <inheritdoc />
    public override long ParameterBytes => 4L * (weights.Length + alpha.Length + beta.Length);
    /// <inheritdoc />
    public override long OtherOperations => weights.Length;

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch)
    {
        var x = input.Slice(0, InputSize);
        for (var j = 0; j < OutputSize; j++)
        {
            var row = weights.AsSpan(j * InputSize, InputSize);
            var sum = 0f;
            for (var i = 0; i < row.Length; i++)
                sum += x[i] * row[i];
            var y = sum * alpha[j] + beta[j];
            output[j] = Signs ? (y >= 0 ? 1f : -1f) : y;
        }
    }
}
