/// Keeps libtorch's oneDNN convolutions on their AVX2 kernels. Seen on an AMD EPYC with AVX-512
/// (libtorch 2.10, oneDNN 3.7.1, two threads): the AVX-512 backward-weights kernel of a 5×5,
/// stride-2 convolution from one input channel to six (`jit:avx512_core`, gradients blocked by
/// 16 channels, a scratchpad from libtorch's allocator) returned NaN for whole output channels in
/// some batches and different values from run to run, so a CNN diverged in its first epoch; the
/// same training capped at AVX2 (`ONEDNN_MAX_CPU_ISA=AVX2`) repeats to the last digit and
/// converges. The cap costs CNN training about 10–30% on such a CPU (docs/gpu.md and
/// docs/troubleshooting.md). A user who sets ONEDNN_MAX_CPU_ISA (or the older DNNL_MAX_CPU_ISA)
/// keeps it: `ONEDNN_MAX_CPU_ISA=ALL` lifts the cap.
module Qnn.OneDnnGuard

open System
open System.Runtime.InteropServices

/// What the guard sets when the user set nothing: the widest AVX2-class kernels.
[<Literal>]
let Isa = "AVX2_VNNI_2"

[<DllImport("libc", EntryPoint = "setenv")>]
extern int private setenv(string name, string value, int overwrite)

[<DllImport("libc", EntryPoint = "getenv")>]
extern nativeint private getenv(string name)

/// The variable as the native environment holds it (oneDNN reads that one, not .NET's copy).
let nativeValue (name: string) : string option =
    if OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() then
        match getenv name with
        | 0n -> None
        | p -> Some(Marshal.PtrToStringUTF8 p)
    else
        Option.ofObj (Environment.GetEnvironmentVariable name)

let private applied =
    lazy (
        let userSet = [ "ONEDNN_MAX_CPU_ISA"; "DNNL_MAX_CPU_ISA" ] |> List.exists (fun v -> (nativeValue v).IsSome)
        if not userSet && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) then
            setenv ("ONEDNN_MAX_CPU_ISA", Isa, 0) |> ignore
        nativeValue "ONEDNN_MAX_CPU_ISA")

/// Sets the cap once per process unless the user set one; oneDNN reads it at its first
/// convolution, so every Qnn convolution calls this before it exists. Returns the value in force.
let apply () : string option = applied.Force()
