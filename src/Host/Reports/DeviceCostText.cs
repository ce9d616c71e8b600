using System.Globalization;
using Qnn.Export.Device;

namespace Qnn.Host.Reports;

/// <summary>`qnn inspect --target`: what a model's C costs on a device, and whether it fits the part.</summary>
public static class DeviceCostText
{
    /// <summary>The costs of the C of a model (<paramref name="what"/> says which build) on <paramref name="target"/>.</summary>
    public static void Write(TextWriter output, DeviceCost cost, DeviceTarget target, string what)
    {
        var measured = cost.Measured ? $"measured with {target.Compiler}" : $"the size model ({target.Compiler} is not installed)";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"as C on {target.Name}, {what}: flash {cost.Flash:N0} B, RAM {cost.Ram:N0} B ({cost.Ram - target.StackBytes:N0} static + {target.StackBytes} stack), flash and RAM {measured}; about {cost.Instructions:N0} instructions a prediction (the instruction model)"));
        if (target.FlashBytes is not { } flash || target.RamBytes is not { } ram)
            return;
        var over = new List<string>();
        if (cost.Flash > flash) over.Add(string.Create(CultureInfo.InvariantCulture, $"flash {cost.Flash - flash:N0} B over"));
        if (cost.Ram > ram) over.Add(string.Create(CultureInfo.InvariantCulture, $"RAM {cost.Ram - ram:N0} B over"));
        output.WriteLine(over.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"fits {target.Description}: {flash - cost.Flash:N0} B of flash and {ram - cost.Ram:N0} B of RAM to spare")
            : $"does not fit {target.Description}: {string.Join(", ", over)}");
    }
}
