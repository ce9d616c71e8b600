using Qnn.Engine;
using Qnn.Export.C;

namespace Qnn.Export.Device;

/// <summary>A model's flash, RAM and instructions on a device (<see cref="DeviceCost"/>), from
/// the C the exporter writes for it.</summary>
public static class DeviceCosts
{
    /// <summary>The costs of <paramref name="model"/>'s C on <paramref name="target"/>: flash and
    /// RAM from the target's compiler where it is installed and <paramref name="measure"/> is
    /// set, else from <see cref="FlashModel"/>; instructions from the target's
    /// <see cref="InstructionModel"/>. Throws <see cref="ExportException"/> for a model the C
    /// export does not take.</summary>
    public static DeviceCost Of(EngineModel model, DeviceTarget target, bool measure = true)
    {
        var source = CExporter.Generate(model, "net");
        var plan = new CLayerPlan(model);
        var work = Operations.Of(model, plan);
        var instructions = target.Instructions.Of(work);
        if (measure && SizeTool.IsInstalled(target))
        {
            var sections = SizeTool.Measure(source, target);
            return new DeviceCost(sections.Flash, sections.StaticRam + target.StackBytes, instructions, Measured: true);
        }
        return new DeviceCost(FlashModel.Flash(source, work, target), plan.StaticBytes + target.StackBytes, instructions, Measured: false);
    }
}
