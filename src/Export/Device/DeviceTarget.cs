namespace Qnn.Export.Device;

/// <summary>
/// A microcontroller a model is costed for (docs/c-export.md, "Costs on a device"): the core's
/// cross compiler and flags, built as targets/boards.sh builds the model (<c>-Os</c>), the part's
/// flash and RAM where the target names a part, and the models of its code size and instruction
/// counts that stand in where the compiler is not installed.
/// </summary>
/// <param name="Name">The <c>--target</c> name.</param>
/// <param name="Description">The core and part, for messages.</param>
/// <param name="Compiler">The C compiler's command.</param>
/// <param name="SizeTool">binutils' size for the core.</param>
/// <param name="Flags">The compiler's flags for the core.</param>
/// <param name="Prerequisite">A file the compiler needs beside itself (a C library's specs), or null.</param>
/// <param name="FlashBytes">The part's flash, or null where the target is a core, not a part.</param>
/// <param name="RamBytes">The part's RAM, or null where the target is a core, not a part.</param>
/// <param name="StackBytes">The stack a prediction is allowed (added to the static RAM): above
/// the most the bare-metal runs measured on the core (targets/run-samples.c).</param>
/// <param name="Text">The core's code-size model.</param>
/// <param name="Instructions">The core's instruction-count model.</param>
public sealed record DeviceTarget(
    string Name,
    string Description,
    string Compiler,
    string SizeTool,
    IReadOnlyList<string> Flags,
    string? Prerequisite,
    long? FlashBytes,
    long? RamBytes,
    int StackBytes,
    TextModel Text,
    InstructionModel Instructions)
{
    /// <summary>A Cortex-M4F (ARMv7E-M, Thumb-2, single-precision FPU), as on the mps2-an386 board.</summary>
    public static readonly DeviceTarget CortexM4 = new(
        "cortex-m4", "a Cortex-M4F core",
        "arm-none-eabi-gcc", "arm-none-eabi-size", ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"], null,
        null, null, 256, TextModel.CortexM4, InstructionModel.CortexM4);

    /// <summary>The WCH CH32V003: an RV32EC core (16 registers, no multiplier, no FPU), 16 KB of flash, 2 KB of RAM.</summary>
    public static readonly DeviceTarget Ch32v003 = new(
        "ch32v003", "the CH32V003 (RV32EC, 16 KB flash, 2 KB RAM)",
        "riscv64-unknown-elf-gcc", "riscv64-unknown-elf-size", ["--specs=picolibc.specs", "-march=rv32ec", "-mabi=ilp32e"],
        "/usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs",
        16 * 1024, 2 * 1024, 256, TextModel.Rv32ec, InstructionModel.Rv32ec);

    /// <summary>Every target, in the order help lists them.</summary>
    public static IReadOnlyList<DeviceTarget> All { get; } = [CortexM4, Ch32v003];

    /// <summary>The target of a <c>--target</c> name (any case), or null.</summary>
    public static DeviceTarget? Named(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
}
