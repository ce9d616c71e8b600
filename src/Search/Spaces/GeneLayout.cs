using Qnn.Search.Genes;

namespace Qnn.Search.Spaces;

/// <summary>
/// The genes of a space, in their fixed order. Every possible layer has its genes whether or not
/// the layer-count gene uses it (genes of unused slots are ignored by decoding), so every genome
/// of a space has the same length and crossover can exchange genes slot by slot.
/// <para>MLP: <c>inputBits</c> (with <c>featureBits</c>: <c>inputBits[0]</c>…<c>inputBits[F−1]</c>,
/// one per feature), <c>hiddenLayers</c>, per hidden slot i = 0..max−1: <c>units[i]</c>,
/// <c>weights[i]</c>, <c>layerBits[i]</c>, <c>activation[i]</c>, <c>activationBits[i]</c>; then
/// <c>weights[output]</c>, <c>outputBits</c>, <c>dropout</c>, <c>resteO</c>, <c>resteThreshold</c>.</para>
/// <para>CNN: <c>inputBits</c>, <c>convLayers</c>, per conv slot i: <c>channels[i]</c>,
/// <c>stride[i]</c>, <c>pool[i]</c>, <c>convBits[i]</c>, <c>convActivation[i]</c> (from the
/// <c>activation</c> choices), <c>convActivationBits[i]</c>, <c>separable[i]</c> (where the space
/// gives <c>separable</c>); <c>fcLayers</c>, per fc slot i:
/// <c>fcUnits[i]</c>, <c>weights[i]</c>, <c>layerBits[i]</c>, <c>activation[i]</c>,
/// <c>activationBits[i]</c>; then the MLP's tail from <c>weights[output]</c> on.</para>
/// <para>A bits gene exists only where it can matter: <c>layerBits[i]</c> and <c>outputBits</c>
/// where <c>weights</c> offers NBits, <c>activationBits[i]</c> where <c>activation</c> offers NBits
/// (range <c>activationBits</c>, default 2..8), <c>resteO</c>/<c>resteThreshold</c> where the
/// space gives them. A gene's value is an index into its key's range or choices; ranges and
/// increasing number lists are ordered, names are not.</para>
/// </summary>
internal static class GeneLayout
{
    /// <summary>DoReFa widths offered when the space offers Activation.NBits without an <c>activationBits</c> range.</summary>
    public static readonly IntRange DefaultActivationBits = new(2, 8);

    public static IReadOnlyList<GeneDomain> Domains(SpaceDefinition d, int features)
    {
        var genes = new List<GeneDomain>();
        void Range(string name, IntRange r) => genes.Add(new GeneDomain(name, r.Count, true));
        void Numbers<T>(string name, T[] values) where T : IComparable<T> =>
            genes.Add(new GeneDomain(name, values.Length, values.Zip(values.Skip(1)).All(p => p.First.CompareTo(p.Second) < 0)));
        void Names(string name, int count) => genes.Add(new GeneDomain(name, count, false));
        var activationBits = d.ActivationBits ?? DefaultActivationBits;

        if (d.FeatureBits)
            for (var f = 0; f < features; f++) Range($"{SpaceKeys.InputBits}[{f}]", d.InputBits);
        else
            Range(SpaceKeys.InputBits, d.InputBits);
        if (d.IsCnn)
        {
            if (d.Downscale is not null) Numbers(SpaceKeys.Downscale, d.Downscale);
            Range(SpaceKeys.ConvLayers, d.ConvLayers!);
            for (var i = 0; i < d.ConvLayers!.Max; i++)
            {
                Numbers($"{SpaceKeys.Channels}[{i}]", d.Channels!);
                Range($"{SpaceKeys.Stride}[{i}]", d.Stride!);
                Numbers($"{SpaceKeys.Pool}[{i}]", d.Pool!);
                Range($"{SpaceKeys.ConvBits}[{i}]", d.ConvBits!);
                Names($"convActivation[{i}]", d.Activations.Length);
                if (d.HasNBitsActivation) Range($"convActivationBits[{i}]", activationBits);
                if (d.Separable is not null) Names($"{SpaceKeys.Separable}[{i}]", d.Separable.Length);
            }
        }
        Range(d.IsCnn ? SpaceKeys.FcLayers : SpaceKeys.HiddenLayers, d.DenseLayers);
        var unitsKey = d.IsCnn ? SpaceKeys.FcUnits : SpaceKeys.Units;
        for (var i = 0; i < d.DenseLayers.Max; i++)
        {
            Numbers($"{unitsKey}[{i}]", d.DenseUnits);
            Names($"{SpaceKeys.Weights}[{i}]", d.Weights.Length);
            if (d.HasNBitsWeights) Range($"{SpaceKeys.LayerBits}[{i}]", d.LayerBits);
            Names($"{SpaceKeys.Activation}[{i}]", d.Activations.Length);
            if (d.HasNBitsActivation) Range($"{SpaceKeys.ActivationBits}[{i}]", activationBits);
        }
        Names($"{SpaceKeys.Weights}[output]", d.Weights.Length);
        if (d.HasNBitsWeights) Range(SpaceKeys.OutputBits, d.OutputBits);
        Numbers(SpaceKeys.Dropout, d.Dropout);
        if (d.ResteO is not null) Numbers(SpaceKeys.ResteO, d.ResteO);
        if (d.ResteThreshold is not null) Numbers(SpaceKeys.ResteThreshold, d.ResteThreshold);
        return genes;
    }
}
