using Qnn.Host.Cli;
using Qnn.Host.Data;
using TorchSharp;

namespace Qnn.Host.Commands;

/// <summary>Fits a data set to a model's input: the same shape, or images flattened for an MLP
/// whose feature count is their size; classes must match the model's outputs.</summary>
public static class ModelData
{
    public static (TensorDataset Train, TensorDataset Test) Fit(ModelSpec spec, string modelName, LoadedData data)
    {
        var shapes = global::Qnn.Spec.shapes(spec);
        var input = shapes[0].Shape;
        var outputs = shapes[^1].Shape[0];
        var sample = data.SampleShape;
        if (outputs != data.Classes)
            throw new UsageException($"model {modelName} has {outputs} outputs but data set {data.Name} has {data.Classes} classes");
        if (input.SequenceEqual(sample))
            return (data.Train, data.Test);
        if (input.Length == 1 && input[0] == sample.Aggregate(1, (p, n) => p * n))
            return (Flatten(data.Train, input[0]), Flatten(data.Test, input[0]));
        throw new UsageException($"model {modelName} takes samples of {string.Join("×", input)} but data set {data.Name} has samples of {string.Join("×", sample)}");
    }

    private static TensorDataset Flatten(TensorDataset data, int features) =>
        new(data.Features.reshape(data.Count, features), data.Labels);
}
