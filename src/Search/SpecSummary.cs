namespace Qnn.Search;

/// <summary>A spec in one line for tables: input width and bits, then each layer as width,
/// weights and activation, e.g. <c>6×4b → 16 Binary BinarizeReste → 3 NBits2 | drop 0.1</c>.</summary>
public static class SpecSummary
{
    /// <summary>The one-line form.</summary>
    public static string OneLine(ModelSpec spec)
    {
        var input = spec.Input switch
        {
            InputSpec.Features { Item: var f } => $"{f.Count}×" + (f.FeatureBits is { } fb ? $"[{string.Join(",", fb.Value)}]b" : $"{f.Bits}b"),
            InputSpec.Image { Item: var i } => $"{i.Channels}×{i.Height}×{i.Width}×{i.Bits}b",
            _ => "?",
        };
        var output = Array.FindLastIndex(spec.Layers, l => l.IsDense);
        var layers = spec.Layers.Select((layer, index) =>
        {
            var (activation, bits) = Shapes.activation(spec, index).ToValueTuple();
            var act = index == output ? "" : " " + (activation == Activation.NBits ? $"DoReFa{bits?.Value}" : activation.ToString());
            return layer switch
            {
                LayerSpec.Dense { Item: var d } => $"{d.Units} {Weights(d.Weights)}{act}",
                LayerSpec.Conv { Item: var c } => $"conv {c.Channels}k{c.Kernel}" + (c.Stride > 1 ? $"s{c.Stride}" : "") + (c.Pool > 1 ? $"p{c.Pool}" : "") + $" {Weights(c.Weights)}{act}",
                _ => "?",
            };
        });
        return string.Join(" → ", new[] { input }.Concat(layers)) + (spec.Dropout > 0 ? $" | drop {spec.Dropout}" : "");
    }

    private static string Weights(WeightSpec w) => w.Mode switch
    {
        WeightQuant.NBits => $"NBits{w.Bits?.Value}",
        WeightQuant.Binary when w.Scaled => "ScaledBinary",
        WeightQuant.None => "Float",
        var mode => mode.ToString(),
    };
}
