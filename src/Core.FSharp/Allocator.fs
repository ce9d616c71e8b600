/// Tuning of the C allocator that libtorch's CPU tensors come from.
module Qnn.Allocator

open System
open System.Runtime.InteropServices

[<DllImport("libc", EntryPoint = "mallopt")>]
extern int private mallopt(int parameter, int value)

let private M_TRIM_THRESHOLD = -1
let private M_TOP_PAD = -2
let private M_MMAP_THRESHOLD = -3

/// Keeps freed tensor memory in glibc's heap instead of returning it to the kernel. By default
/// glibc serves every allocation above its (adaptive) mmap threshold with a fresh mmap and unmaps
/// it on free, so each step's activation-sized temporaries page-fault in anew: on MiniMnistCnn this
/// took an epoch from 2.6 s to 7.4 s, most of it system time. Raises the mmap threshold to its
/// maximum (32 MiB), keeps up to 256 MiB of free heap before trimming, and grows the heap in
/// 64 MiB steps. Process-wide, so applications call it once at start; a no-op off glibc.
/// Returns whether the settings took effect.
let tuneForTraining () : bool =
    if not (OperatingSystem.IsLinux()) then false
    else
        try
            mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024) = 1
            && mallopt (M_TRIM_THRESHOLD, 256 * 1024 * 1024) = 1
            && mallopt (M_TOP_PAD, 64 * 1024 * 1024) = 1
        with
        | :? DllNotFoundException
        | :? EntryPointNotFoundException -> false
