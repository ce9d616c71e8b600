using System;
using System.Collections.Generic;
using System.Linq;

namespace Qnn.Rules;

/// <summary>
/// Which modules a valid model has, what they are called and what shapes flow between them, in
/// forward order: <c>input</c> (and <c>downscale</c> where an image is averaged); per conv block conv·bn·act·pool; <c>flatten</c> before the first
/// Dense of a CNN; per hidden Dense fc·bn·drop·act; the output fc·bn. An identity activation, a
/// dropout of 0 and a pool of 1 are no stage. The core builds its network from these stages and
/// the generator emits one field per stage, so their state_dict keys are the same. Assumes a model
/// without errors (<see cref="ModelChecker"/>); a shape that does not fit an int (far beyond
/// <see cref="Limits"/>) throws <see cref="OverflowException"/>. Linear in the number of layers.
/// </summary>
#if QNN_GENERATOR
internal
#else
public
#endif
static class StagePlanner
{
    public static IReadOnlyList<PlannedStage> Stages(ModelFacts model)
    {
        var input = model.Inputs.First(i => i.IsImage == model.IsCnn);
        var output = OutputLayer(model);
        var current = input.IsImage ? new[] { input.Channels, input.Height, input.Width } : new[] { input.Features };
        var stages = new List<PlannedStage>(2 + 4 * model.Layers.Count) { new(StageKind.Input, StageNames.Input, -1, current) };
        if (input.IsImage && input.Downscale > 1)
        {
            current = Downscaled(input);
            stages.Add(new PlannedStage(StageKind.Downscale, StageNames.Downscale, -1, current));
        }
        for (var index = 0; index < model.Layers.Count; index++)
        {
            var layer = model.Layers[index];
            var number = index + 1;
            void Add(StageKind kind, int[] shape) => stages.Add(new PlannedStage(kind, StageNames.Of(kind, number), index, shape));
            var hasActivation = EffectiveActivation(model, index, output).Activation != Activation.None;
            if (layer.IsConv)
            {
                int Side(int n) => Narrow(ShapeMath.ConvolvedSize(n, layer.Kernel, layer.Stride, layer.Padding, layer.Dilation));
                var convolved = new[] { layer.Size, Side(current[1]), Side(current[2]) };
                var pooled = new[] { layer.Size, (int)ShapeMath.PooledSize(convolved[1], layer.Pool), (int)ShapeMath.PooledSize(convolved[2], layer.Pool) };
                Add(StageKind.Conv, convolved);
                Add(StageKind.BatchNorm, convolved);
                if (hasActivation) Add(StageKind.Activation, convolved);
                if (layer.Pool > 1) Add(StageKind.MaxPool, pooled);
                current = pooled;
            }
            else
            {
                var units = new[] { layer.Size };
                if (current.Length > 1) Add(StageKind.Flatten, new[] { Narrow(Count(current)) });
                Add(StageKind.Dense, units);
                Add(StageKind.BatchNorm, units);
                if (index != output && model.Settings.Dropout > 0.0) Add(StageKind.Dropout, units);
                if (hasActivation) Add(StageKind.Activation, units);
                current = units;
            }
        }
        return stages;
    }

    /// <summary>An image input's shape after its downscale (floor, as average pooling drops a
    /// partial window).</summary>
    public static int[] Downscaled(InputFacts input) =>
        new[] { input.Channels, input.Height / input.Downscale, input.Width / input.Downscale };

    /// <summary>The index of the output layer: the last Dense (-1 when there is none, an invalid model).</summary>
    public static int OutputLayer(ModelFacts model)
    {
        for (var i = model.Layers.Count - 1; i >= 0; i--)
        {
            if (!model.Layers[i].IsConv)
                return i;
        }
        return -1;
    }

    /// <summary>The activation layer <paramref name="index"/> runs and its DoReFa width: its own,
    /// else the model's. The output layer runs none (an activation declared there is ignored, QNN012).</summary>
    public static (Activation Activation, int? Bits) EffectiveActivation(ModelFacts model, int index, int outputLayer)
    {
        if (index == outputLayer)
            return (Activation.None, null);
        var layer = model.Layers[index];
        return (layer.Activation ?? model.Settings.Activation, layer.ActivationBits ?? model.Settings.ActivationBits);
    }

    /// <summary>The number of values in a shape, in 64 bits.</summary>
    public static long Count(IReadOnlyList<int> shape) => shape.Aggregate(1L, (total, n) => total * n);

    private static int Narrow(long size) => checked((int)size);
}
