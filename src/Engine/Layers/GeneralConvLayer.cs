namespace Qnn.Engine;

/// <summary>
/// A 2-D convolution (square kernel, stride, zero padding, dilation, groups) for every
/// combination <see cref="BinaryConvLayer"/> does not run (format version 5): ternary, n-bit (1..31
/// bits) and scaled-binary integer weights or float weights, on input codes, ±1, ternary values,
/// DoReFa codes or real numbers. With <see cref="IntegerSums"/> each output position is an exact
/// integer sum and the output applies folded thresholds; otherwise it sums w·(x / divisor) in
/// double and applies the affine form and its activation in float. Direct loops, torch's weight
/// order [out, in/groups, ky, kx].
/// </summary>
public sealed class GeneralConvLayer : ConvolutionLayer
{
    /// <inheritdoc/>
    public override TResult Accept<TResult>(ILayerVisitor<TResult> visitor) => visitor.Visit(this);

    /// <param name="name">The layer's name.</param>
    /// <param name="geometry">Input shape, channels, kernel, stride, padding, dilation, groups.</param>
    /// <param name="weights">Out channels × in/groups × kernel × kernel.</param>
    /// <param name="integerSums">Whether positions sum integers exactly.</param>
    /// <param name="divisor">Real sums only: what every input is divided by first (1 for none).</param>
    /// <param name="output">One output per channel.</param>
    public GeneralConvLayer(string name, ConvGeometry geometry, LayerWeights weights, bool integerSums, float divisor, LayerOutput output)
        : base(name, geometry, output)
    {
        if (weights.Count != geometry.OutChannels * geometry.WindowSize)
            throw new ArgumentException($"{name}: {geometry.OutChannels} channels need {geometry.OutChannels * geometry.WindowSize} weights, got {weights.Count}");
        if (integerSums && (!weights.IsInteger || divisor != 1))
            throw new ArgumentException($"{name}: integer sums need integer weights and no divisor");
        if (!integerSums && output.Form is OutputForm.Signs or OutputForm.Levels)
            throw new ArgumentException($"{name}: real sums take logits or an activated output, not folded thresholds");
        Weights = weights;
        IntegerSums = integerSums;
        Divisor = divisor;
    }

    /// <summary>Out channels × in/groups × kernel × kernel weights.</summary>
    public LayerWeights Weights { get; }
    /// <summary>Whether positions sum integers exactly (else reals in double).</summary>
    public bool IntegerSums { get; }
    /// <summary>Real sums: what every input is divided by first.</summary>
    public float Divisor { get; }

    /// <inheritdoc />
    public override long ParameterBytes => Weights.FileBytes + Output.ParameterBytes;
    /// <inheritdoc />
    public override long OtherOperations => OutputSize * Geometry.WindowSize;

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch)
    {
        var plane = InputShape[1] * InputShape[2];
        var perGroupIn = InputShape[0] / Groups;
        var perGroupOut = OutChannels / Groups;
        var taps = Kernel * Kernel;
        var window = perGroupIn * taps;
        Span<int> inside = stackalloc int[taps];
        Span<int> insideTap = stackalloc int[taps];
        for (var oy = 0; oy < OutHeight; oy++)
        {
            for (var ox = 0; ox < OutWidth; ox++)
            {
                // The same (ci, ky, kx) order of terms as torch's weights, each channel's.
                var count = InsideTaps(oy, ox, inside, insideTap);
                for (var c = 0; c < OutChannels; c++)
                {
                    var firstIn = c / perGroupOut * perGroupIn;
                    long z = 0;
                    double sum = 0;
                    for (var ci = 0; ci < perGroupIn; ci++)
                    {
                        var values = input.Slice((firstIn + ci) * plane, plane);
                        var weights = c * window + ci * taps;
                        for (var t = 0; t < count; t++)
                        {
                            var (value, w) = (values[inside[t]], weights + insideTap[t]);
                            if (IntegerSums)
                                z += (long)value * Weights.Integers![w];
                            else
                                sum += (double)Weights[w] * (value / Divisor);
                        }
                    }
                    output[(c * OutHeight + oy) * OutWidth + ox] = IntegerSums ? Output.Apply(c, z) : Output.ApplyReal(c, (float)sum);
                }
            }
        }
    }
}
