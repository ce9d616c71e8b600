namespace Qnn.Export.Device;

/// <summary>What a model's C costs on a <see cref="DeviceTarget"/> (docs/c-export.md): flash =
/// text + rodata + data of the model's C compiled alone with <c>-Os</c> (the C library and libgcc
/// routines it calls not included), RAM = its static data (.data + .bss: the scratch arena and the
/// codes buffer) + the target's stack allowance, and the instructions one prediction from input
/// codes executes. <paramref name="Measured"/>: flash and RAM come from the cross compiler and
/// size tool; false where they are the model of them (<see cref="TextModel"/>). Instructions are
/// always the model (<see cref="InstructionModel"/>), checked against QEMU's counts.</summary>
public sealed record DeviceCost(long Flash, long Ram, long Instructions, bool Measured);
