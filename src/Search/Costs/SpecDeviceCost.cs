using Qnn.Export;
using Qnn.Export.Device;
using TorchSharp;

namespace Qnn.Search.Costs;

/// <summary>
/// A spec's flash, RAM and instructions per prediction on a device target, from the C the
/// exporter writes for it (src/Export/Device: the cross compiler and size tool where installed,
/// else the target's models of them; instructions from the target's model). The network is built
/// from the spec with fixed initial weights (seed 0, the caller's generator state put back), so
/// the cost is a function of the spec: training moves it by a few bytes at most (the thresholds'
/// C type follows their trained range).
/// </summary>
public static class SpecDeviceCost
{
    private static readonly object Building = new();

    /// <summary>The costs of <paramref name="spec"/>'s C on <paramref name="target"/>; a spec the
    /// C export does not take throws <see cref="ExportException"/>.</summary>
    public static Qnn.Export.Device.DeviceCost Of(ModelSpec spec, DeviceTarget target)
    {
        Qnn.Engine.EngineModel engine;
        lock (Building)
        {
            using var scope = torch.NewDisposeScope();
            var state = torch.random.get_rng_state();
            try
            {
                torch.manual_seed(0);
                using var network = Spec.build(spec);
                engine = EngineExporter.Export(network);
            }
            finally
            {
                torch.random.set_rng_state(state);
            }
        }
        return DeviceCosts.Of(engine, target);
    }
}
