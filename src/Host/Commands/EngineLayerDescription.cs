using Qnn.Engine;

namespace Qnn.Host.Commands;

/// <summary>What `qnn inspect` of a .qnnx says about each layer: its kind, how it runs —
/// integer-only, or float and why — and what its weights and BatchNorm would take as float32.</summary>
/// <param name="Kind">The kind as the table names it (Dense, TernaryDense, 4BitConv…).</param>
/// <param name="Runs">How it runs.</param>
/// <param name="FloatBytes">Its weights and BatchNorm (γ, β, mean, variance) as float32.</param>
internal sealed record EngineLayerDescription(string Kind, string Runs, long FloatBytes)
{
    public static EngineLayerDescription Of(EngineLayer layer) => layer.Accept(Describer.Instance);

    private sealed class Describer : ILayerVisitor<EngineLayerDescription>
    {
        public static readonly Describer Instance = new();

        public EngineLayerDescription Visit(BinaryDenseLayer d) =>
            new("Dense", Integer(d.CodeMultipliers is null ? "XNOR-popcount" : "codes × ±1", d.Output), DenseBytes(d));

        public EngineLayerDescription Visit(IntegerDenseLayer d) =>
            new(d.Coding == IntegerCoding.Ternary ? "TernaryDense" : $"{d.Bits}BitDense",
                Integer(d.Coding == IntegerCoding.Ternary && d.CodeMultipliers is null ? "ternary popcount" : "integer sums", d.Output), DenseBytes(d));

        public EngineLayerDescription Visit(GeneralDenseLayer g) =>
            new(Width(g.Weights) + "Dense", g.IntegerSums ? Integer("integer sums", g.Output) : Float(g.Weights, g.Output), DenseBytes(g));

        public EngineLayerDescription Visit(FloatDenseLayer f) =>
            new("FloatDense", f.Signs ? "float (float weights), sign out" : "float (float weights), logits", DenseBytes(f));

        public EngineLayerDescription Visit(BinaryConvLayer c) =>
            new("Conv", Integer(c.CodeInputs ? "codes × ±1" : "XNOR-popcount", c.Output),
                4L * ((long)c.OutChannels * (c.InputShape[0] / c.Groups) * c.Kernel * c.Kernel + 4L * c.OutChannels));

        public EngineLayerDescription Visit(GeneralConvLayer g) =>
            new(Width(g.Weights) + "Conv", g.IntegerSums ? Integer("integer sums", g.Output) : Float(g.Weights, g.Output),
                4L * (g.Weights.Count + 4L * g.OutChannels));

        public EngineLayerDescription Visit(MaxPoolLayer p) => new("MaxPool", "integer (OR of sign bits)", 0);

        public EngineLayerDescription Visit(ValueMaxPoolLayer p) => new("MaxPool", "max of values", 0);

        public EngineLayerDescription Visit(AveragePoolLayer p) => new("AvgPool", "window sums (the next layer divides)", 0);

        private static long DenseBytes(EngineLayer layer) => 4L * ((long)layer.InputSize * layer.OutputSize + 4L * layer.OutputSize);
    }

    private static string Width(LayerWeights weights) => weights.Bits switch { 0 => "Float", 1 => "", _ => $"{weights.Bits}Bit" };

    private static string Integer(string how, LayerOutput output) => output.Form switch
    {
        OutputForm.Signs => $"integer-only ({how}, sign thresholds)",
        OutputForm.Levels when output.Requantization is not null => $"integer-only ({how}, {output.Steps + 1}-level requantization)",
        OutputForm.Levels => $"integer-only ({how}, {output.Steps + 1}-level thresholds)",
        OutputForm.Logits => $"integer ({how}), float logits",
        _ => $"integer ({how}), float {output.Activation} out",
    };

    private static string Float(LayerWeights weights, LayerOutput output)
    {
        var why = weights.Bits == 0 ? "float weights" : "real inputs or sums past int32";
        var result = output.Form == OutputForm.Activated ? $"{output.Activation} out" : "logits";
        return $"float ({why}), {result}";
    }
}
