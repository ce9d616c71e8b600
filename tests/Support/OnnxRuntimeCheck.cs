using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using Xunit;

namespace Qnn.Tests.Support;

/// <summary>Runs an exported .onnx file in ONNX Runtime and compares it with the TorchSharp
/// network in evaluation (network.eval()) on the same samples: the same class for every sample
/// and every logit within 1e-4 (relative beyond magnitude 1).</summary>
public static class OnnxRuntimeCheck
{
    /// <summary>ONNX Runtime's logits for <paramref name="samples"/> ([count, ...shape]) in one run: the batch is dynamic.</summary>
    public static float[] Logits(string model, float[] samples, long[] shape)
    {
        using var session = new InferenceSession(model);
        using var input = OrtValue.CreateTensorValueFromMemory(samples, shape);
        using var options = new RunOptions();
        using var outputs = session.Run(options, new[] { "input" }, new[] { input }, new[] { "logits" });
        var info = outputs[0].GetTensorTypeAndShape();
        Assert.Equal(shape[0], info.Shape[0]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>TorchSharp's logits of the network in evaluation.</summary>
    public static float[] TorchLogits(torch.nn.Module<torch.Tensor, torch.Tensor> network, torch.Tensor features)
    {
        network.eval();
        using var noGrad = torch.no_grad();
        using var logits = network.call(features);
        return logits.contiguous().data<float>().ToArray();
    }

    /// <summary>Exported file and network agree on every sample of <paramref name="features"/>
    /// ([count, ...]); returns how many samples were compared.</summary>
    public static int AssertAgrees(string model, torch.nn.Module<torch.Tensor, torch.Tensor> network, torch.Tensor features)
    {
        var expected = TorchLogits(network, features);
        var samples = features.contiguous().data<float>().ToArray();
        var count = (int)features.shape[0];
        var actual = Logits(model, samples, features.shape);
        Assert.Equal(expected.Length, actual.Length);
        var classes = expected.Length / count;
        for (var s = 0; s < count; s++)
        {
            var want = expected.AsSpan(s * classes, classes);
            var got = actual.AsSpan(s * classes, classes);
            Assert.True(ArgMax(want) == ArgMax(got), $"sample {s}: ONNX Runtime class {ArgMax(got)} [{string.Join(", ", got.ToArray())}], TorchSharp {ArgMax(want)} [{string.Join(", ", want.ToArray())}]");
            for (var j = 0; j < classes; j++)
                Assert.True(Math.Abs(got[j] - want[j]) <= 1e-4 * Math.Max(1, Math.Abs(want[j])), $"sample {s}, logit {j}: ONNX Runtime {got[j]}, TorchSharp {want[j]}");
        }
        return count;
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var j = 1; j < values.Length; j++)
        {
            if (values[j] > values[best]) best = j;
        }
        return best;
    }
}
