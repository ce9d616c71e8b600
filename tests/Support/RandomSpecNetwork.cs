using TorchSharp;

namespace Qnn.Tests.Support;

/// <summary>
/// A network of a spec with seeded random weights and statistics, for the export tests that compare
/// another runtime with TorchSharp: built with seed 7, its input quantizer calibrated on random
/// samples around random per-feature offsets, optionally each BatchNorm's scale and shift spread
/// (so thresholds fall everywhere), ten training-mode forwards to move the running statistics, then
/// evaluation mode. Call it inside <c>torch.no_grad()</c>, as the tests that use it do.
/// </summary>
internal sealed class RandomSpecNetwork : IDisposable
{
    private readonly long[] shape;
    private readonly torch.Tensor offsets;

    public RandomSpecNetwork(string json, bool spreadNorms)
    {
        Spec = Qnn.Spec.ofJson(json) is { IsOk: true } ok ? ok.ResultValue : throw new InvalidOperationException(json);
        torch.manual_seed(7);
        Network = Qnn.Spec.build(Spec);
        shape = Qnn.Spec.stages(Spec)[0].Shape.Select(n => (long)n).ToArray();
        offsets = torch.randn(shape) * 3;
        ((ICalibratedLayer)Network.Layers.Head.Item2).Calibrate(Samples(256, 1.0));
        if (spreadNorms)
        {
            foreach (var (_, module) in Network.named_children())
            {
                if (module is TorchSharp.Modules.NormBase norm)
                {
                    norm.weight!.uniform_(0.25, 1.75);
                    norm.bias!.normal_(0, 0.3);
                }
            }
        }
        Network.train();
        for (var step = 0; step < 10; step++)
            Network.call(Samples(64, 1.0));
        Network.eval();
    }

    /// <summary>The spec.</summary>
    public ModelSpec Spec { get; }

    /// <summary>The network, in evaluation mode.</summary>
    public QuantizedNetwork Network { get; }

    public void Dispose()
    {
        Network.Dispose();
        offsets.Dispose();
    }

    /// <summary><paramref name="count"/> random samples around the offsets, spread by <paramref name="spread"/>
    /// (above 1, some fall outside the calibrated range and are clipped).</summary>
    public torch.Tensor Samples(int count, double spread) =>
        torch.randn(new[] { (long)count }.Concat(shape).ToArray()) * spread + offsets;
}
