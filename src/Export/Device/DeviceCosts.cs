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
        var work = Operations.Of(model);
        var instructions = target.Instructions.Of(work);
        if (measure && SizeTool.IsInstalled(target))
        {
            var sections = SizeTool.Measure(source, target);
            return new DeviceCost(sections.Flash, sections.StaticRam + target.StackBytes, instructions, Measured: true);
        }
        var codeBytes = model.Input.AllCodes ? CodeBytes(new CLayerPlan(model).CodeType) : 0;
        return new DeviceCost(FlashModel.Flash(source, work, target),
            FlashModel.StaticRam(source, model.Input.Size, codeBytes) + target.StackBytes, instructions, Measured: false);
    }

    private static int CodeBytes(string type) => type switch { "uint8_t" => 1, "uint16_t" => 2, _ => 4 };
}
