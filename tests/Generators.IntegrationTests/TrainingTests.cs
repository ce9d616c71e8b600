using TorchSharp;
using Xunit;

namespace Qnn.IntegrationTests;

public class TrainingTests
{
    /// <summary>Three Gaussian blobs in 8 dimensions, centres far apart: a separable problem.</summary>
    private static (TensorDataset Train, TensorDataset Test) Blobs(int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 8).Select(_ => random.NextDouble() * 12 - 6).ToArray()).ToArray();
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var labels = Enumerable.Range(0, 600).Select(i => (long)(i % 3)).OrderBy(_ => random.Next()).ToArray();
        var features = labels.SelectMany(c => centres[c].Select(m => (float)(m + Gaussian()))).ToArray();
        var x = torch.tensor(features).reshape(600, 8);
        var y = torch.tensor(labels);
        return (new TensorDataset(x[..480], y[..480]), new TensorDataset(x[480..], y[480..]));
    }

    [Theory]
    [InlineData("binary")]
    [InlineData("ternary")]
    [InlineData("float")]
    public void A_generated_model_trains_to_95_percent(string kind)
    {
        var (train, test) = Blobs(5);
        torch.manual_seed(1);
        using torch.nn.Module<torch.Tensor, torch.Tensor> model = kind switch
        {
            "binary" => new BinaryBlobMlp(),
            "ternary" => new TernaryBlobMlp(),
            _ => new FloatBlobMlp(),
        };
        var config = Trainer.Configure(TrainConfig.Default, epochs: 15, patience: 0, seed: 1);
        var result = Trainer.Fit(model, config, train, test);
        Assert.True(result.Accuracy >= 0.95, $"{kind}: accuracy {result.Accuracy}");
    }
}
