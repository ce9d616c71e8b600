using Microsoft.FSharp.Core;
using Qnn.Search.Genes;

namespace Qnn.Search.Spaces;

/// <summary>
/// Turns a genome into a <see cref="ModelSpec"/> (see <see cref="GeneLayout"/> for the genes).
/// Choices made here, for both kinds:
/// <list type="bullet">
/// <item>a hidden layer's weights come from its <c>weights[i]</c> gene; NBits takes the width of
/// <c>layerBits[i]</c>, and a width of 1 means binary weights (the core's NBits take 2..31);
/// the output layer's weights from <c>weights[output]</c>, NBits with <c>outputBits</c>;</item>
/// <item>every hidden layer sets its own activation (<c>activation[i]</c>; "None" is the
/// identity), with its DoReFa width only when that activation is NBits; the output layer has
/// none (logits); the model-wide activation stays the DSL default and is never used;</item>
/// <item><c>dropout</c>, <c>resteO</c>, <c>resteThreshold</c> are model-wide;</item>
/// <item><c>inputBits</c> is the input width (with <c>featureBits</c>, one width per feature:
/// the spec's FeatureBits); an MLP space given an image takes it flattened (C·H·W features);</item>
/// <item>a conv block has kernel 3, padding 1 (so it keeps the size at stride 1), dilation 1,
/// one group; its weights are NBits of <c>convBits[i]</c>, 1 bit meaning binary (the engine
/// exports binary convolutions only today; the search may still score the others); a block
/// whose pooling would leave an empty output (QNN009) is repaired by dropping its pooling (with
/// padding 1 the convolution alone never empties it);</item>
/// <item>a conv slot whose <c>separable[i]</c> is true, on an input of more than one channel, is a
/// depthwise-separable block: a depthwise 3×3 convolution (one group per input channel, the
/// slot's stride, weights and activation, no pooling) and a pointwise 1×1 convolution to the
/// slot's channels with the slot's pooling; on one channel it is a plain convolution.</item>
/// </list>
/// Any spec that <c>Spec.validate</c> still rejects is returned infeasible with the errors.
/// </summary>
internal sealed class SpaceDecoder(SpaceDefinition d, IReadOnlyList<GeneDomain> domains, Genome genome)
{
    private const int ConvKernel = 3;
    private const int ConvPadding = 1;

    private readonly Dictionary<string, int> index = domains.Select((g, i) => (g.Name, i)).ToDictionary(p => p.Name, p => p.i);

    public static Candidate Decode(SpaceDefinition d, IReadOnlyList<GeneDomain> domains, Genome genome, InputShape input, int classes, string name)
    {
        if (genome.Length != domains.Count)
            return new Candidate(null, $"the genome has {genome.Length} genes; the {d.Kind} space has {domains.Count}");
        for (var i = 0; i < domains.Count; i++)
            if (genome[i] < 0 || genome[i] >= domains[i].Count)
                return new Candidate(null, $"gene {domains[i].Name} is {genome[i]}; it takes 0..{domains[i].Count - 1}");
        // The input shape is checked by SearchSpace.Decode (the genes may depend on it).
        if (d.IsCnn && !input.IsImage)
            return new Candidate(null, $"the cnn space needs images [channels, height, width]; the data set gives [{string.Join(", ", input.Shape)}]");
        if (input.Values > int.MaxValue)
            return new Candidate(null, $"the input has {input.Values} values; a model takes at most {int.MaxValue}");
        var spec = new SpaceDecoder(d, domains, genome).Spec(input, classes, name);
        var errors = Qnn.Spec.validate(spec).Where(x => x.IsError).ToList();
        return errors.Count == 0
            ? new Candidate(spec, null)
            : new Candidate(null, string.Join("; ", errors.Select(e => $"{e.Code} {e.Path}: {e.Message}")));
    }

    private int Gene(string name) => genome[index[name]];

    private bool Has(string name) => index.ContainsKey(name);

    private ModelSpec Spec(InputShape input, int classes, string name)
    {
        var layers = new List<LayerSpec>();
        InputSpec inputSpec;
        if (d.IsCnn)
        {
            var (channels, height, width) = (input.Shape[0], input.Shape[1], input.Shape[2]);
            var downscale = d.Downscale is { } factors ? factors[Gene(SpaceKeys.Downscale)] : 1;
            inputSpec = InputSpec.NewImage(new ImageInputSpec(channels, height, width, d.InputBits.At(Gene(SpaceKeys.InputBits)), downscale));
            (height, width) = (height / downscale, width / downscale);
            for (var i = 0; i < d.ConvLayers!.At(Gene(SpaceKeys.ConvLayers)); i++)
            {
                foreach (var conv in Block(i, channels, height, width))
                {
                    layers.Add(conv);
                    var c = ((LayerSpec.Conv)conv).Item;
                    (channels, height, width) = (c.Channels, Pooled(height, c), Pooled(width, c));
                }
            }
        }
        else
        {
            var features = (int)input.Values;
            inputSpec = d.FeatureBits
                ? InputSpec.NewFeatures(new FeatureInputSpec(features, DslDefaults.InputBits,
                    FSharpOption<int[]>.Some(Enumerable.Range(0, features).Select(f => d.InputBits.At(Gene($"{SpaceKeys.InputBits}[{f}]"))).ToArray())))
                : InputSpec.NewFeatures(new FeatureInputSpec(features, d.InputBits.At(Gene(SpaceKeys.InputBits)), FSharpOption<int[]>.None));
        }
        var unitsKey = d.IsCnn ? SpaceKeys.FcUnits : SpaceKeys.Units;
        var hidden = d.DenseLayers.At(Gene(d.IsCnn ? SpaceKeys.FcLayers : SpaceKeys.HiddenLayers));
        for (var i = 0; i < hidden; i++)
        {
            var (activation, bits) = ActivationOf(SpaceKeys.Activation, SpaceKeys.ActivationBits, i);
            layers.Add(SpecDefaults.Dense(d.DenseUnits[Gene($"{unitsKey}[{i}]")],
                WeightsOf(d.Weights[Gene($"{SpaceKeys.Weights}[{i}]")], () => d.LayerBits.At(Gene($"{SpaceKeys.LayerBits}[{i}]"))),
                activation, bits));
        }
        layers.Add(SpecDefaults.Dense(classes,
            WeightsOf(d.Weights[Gene($"{SpaceKeys.Weights}[output]")], () => d.OutputBits.At(Gene(SpaceKeys.OutputBits)))));
        var model = SpecDefaults.Model(name, d.IsCnn ? ModelKind.Cnn : ModelKind.Mlp, inputSpec, layers);
        // F# records have no `with` in C#: the constructor, with the DSL's defaults from `model`.
        return new ModelSpec(model.Name, model.Kind, model.Input, model.Layers, model.Activation, model.ActivationBits,
            model.QMode, d.Dropout[Gene(SpaceKeys.Dropout)],
            d.ResteO is null ? model.ResteO : d.ResteO[Gene(SpaceKeys.ResteO)],
            d.ResteThreshold is null ? model.ResteThreshold : d.ResteThreshold[Gene(SpaceKeys.ResteThreshold)],
            model.SwishBeta, model.TernaryThreshold);
    }

    /// <summary>Conv slot i on an input of channels × height × width: one convolution, or a
    /// depthwise and a pointwise one where the slot is separable.</summary>
    private IEnumerable<LayerSpec> Block(int i, int channels, int height, int width)
    {
        var conv = Conv(i, height, width);
        if (channels < 2 || d.Separable is null || !d.Separable[Gene($"{SpaceKeys.Separable}[{i}]")])
            return [conv];
        var c = ((LayerSpec.Conv)conv).Item;
        Activation? activation = c.Activation is { } a ? a.Value : null;
        var depthwise = SpecDefaults.Conv(channels, ConvKernel, c.Stride, ConvPadding, 1, channels, 1, c.Weights, activation, ActivationBitsOf(c));
        var pointwise = SpecDefaults.Conv(c.Channels, 1, 1, 0, 1, 1, c.Pool, c.Weights, activation, ActivationBitsOf(c));
        return [depthwise, pointwise];
    }

    private static int? ActivationBitsOf(ConvSpec c) => c.ActivationBits is { } bits ? bits.Value : null;

    /// <summary>Conv slot i on an input of height × width, its pooling dropped where it would empty the output.</summary>
    private LayerSpec Conv(int i, int height, int width)
    {
        var stride = d.Stride!.At(Gene($"{SpaceKeys.Stride}[{i}]"));
        var pool = d.Pool![Gene($"{SpaceKeys.Pool}[{i}]")];
        var convolved = Math.Min(Shapes.convolvedSize(height, ConvKernel, stride, ConvPadding, 1), Shapes.convolvedSize(width, ConvKernel, stride, ConvPadding, 1));
        if (Shapes.pooledSize(convolved, pool) < 1) pool = 1;
        var bits = d.ConvBits!.At(Gene($"{SpaceKeys.ConvBits}[{i}]"));
        var (activation, activationBits) = ActivationOf("convActivation", "convActivationBits", i);
        return SpecDefaults.Conv(d.Channels![Gene($"{SpaceKeys.Channels}[{i}]")], ConvKernel, stride, ConvPadding, 1, 1, pool,
            WeightsOf(WeightChoice.NBits, () => bits), activation, activationBits);
    }

    private static int Pooled(int size, ConvSpec c) =>
        Shapes.pooledSize(Shapes.convolvedSize(size, c.Kernel, c.Stride, c.Padding, c.Dilation), c.Pool);

    private (Activation, int?) ActivationOf(string key, string bitsKey, int i)
    {
        var activation = d.Activations[Gene($"{key}[{i}]")];
        int? bits = activation == Activation.NBits && Has($"{bitsKey}[{i}]")
            ? (d.ActivationBits ?? GeneLayout.DefaultActivationBits).At(Gene($"{bitsKey}[{i}]"))
            : null;
        return (activation, bits);
    }

    /// <summary>The weight spec of a choice; NBits of 1 bit is binary.</summary>
    private static WeightSpec WeightsOf(WeightChoice choice, Func<int> bits) => choice switch
    {
        WeightChoice.Binary => SpecDefaults.Weights(WeightQuant.Binary),
        WeightChoice.ScaledBinary => SpecDefaults.Weights(WeightQuant.Binary, scaled: true),
        WeightChoice.Ternary => SpecDefaults.Weights(WeightQuant.Ternary),
        WeightChoice.None => SpecDefaults.Weights(WeightQuant.None),
        _ => bits() is var b && b == 1 ? SpecDefaults.Weights(WeightQuant.Binary) : SpecDefaults.Weights(WeightQuant.NBits, b),
    };
}
