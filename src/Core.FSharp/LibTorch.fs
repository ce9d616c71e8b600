/// Running Qnn on an existing libtorch (a CUDA build of PyTorch's `torch/lib`, for one) instead of
/// the CPU libtorch that the TorchSharp-cpu package ships. TorchSharp's glue, libLibTorchSharp.so,
/// needs libtorch.so, libc10.so and friends by name; the dynamic linker takes a library already
/// loaded under that name, so loading the folder's libraries first makes the glue use them.
/// Must run before the first torch call (which loads the glue). See docs/gpu.md.
module Qnn.LibTorch

open System
open System.IO
open System.Runtime.InteropServices

/// The environment variable naming the libtorch folder to load.
[<Literal>]
let Variable = "QNN_LIBTORCH"

/// A libtorch folder that cannot be loaded: the message says which and why.
type LibTorchLoadException(message: string, inner: exn) =
    inherit Exception(message, inner)
    new(message: string) = LibTorchLoadException(message, null)

/// In dependency order: each one's needs are loaded before it (the CUDA ones only where present).
let private libraries = [ "libc10.so"; "libtorch_cpu.so"; "libc10_cuda.so"; "libtorch_cuda.so"; "libtorch.so" ]

/// A libtorch bundled with the application (TorchSharp-cpu puts one in runtimes/RID/native, or
/// beside the program when published), other than `folder`: TorchSharp loads it by path whatever
/// is loaded already, and two libtorch copies in one process abort ("Tried to register multiple
/// backend fallbacks"), so a QNN_LIBTORCH program must be built without one.
let private bundledOtherThan (folder: string) =
    let baseDirectory = AppContext.BaseDirectory
    let runtimes = Path.Combine(baseDirectory, "runtimes")
    let candidates =
        [ yield baseDirectory
          if Directory.Exists runtimes then
              for rid in Directory.GetDirectories runtimes -> Path.Combine(rid, "native") ]
    let same (a: string) (b: string) = Path.GetFullPath(a).TrimEnd('/') = Path.GetFullPath(b).TrimEnd('/')
    candidates |> List.tryFind (fun d -> not (same d folder) && File.Exists(Path.Combine(d, "libtorch_cpu.so")))

/// Loads the libtorch in `folder`: every library of `libraries` it holds; libtorch.so and
/// libc10.so must be there, and the application must not bundle a libtorch of its own (build it
/// with -p:QnnTorchSharp=managed). Returns the paths loaded.
let preload (folder: string) : string list =
    if not (Directory.Exists folder) then
        raise (LibTorchLoadException($"{Variable}={folder}: no such folder; set it to a libtorch folder such as a PyTorch install's torch/lib, or unset it"))
    let present = libraries |> List.map (fun name -> Path.Combine(folder, name)) |> List.filter File.Exists
    for needed in [ "libtorch.so"; "libc10.so" ] do
        if not (present |> List.exists (fun p -> Path.GetFileName p = needed)) then
            raise (LibTorchLoadException($"{Variable}={folder}: the folder has no {needed}; set it to a libtorch folder such as a PyTorch install's torch/lib, or unset it"))
    match bundledOtherThan folder with
    | Some bundled ->
        raise (LibTorchLoadException($"{Variable}={folder}: this program bundles its own libtorch ({bundled}), and two libtorch copies cannot share a process; build it with -p:QnnTorchSharp=managed (see docs/gpu.md), or unset {Variable}"))
    | None -> ()
    for path in present do
        try
            NativeLibrary.Load path |> ignore
        with e ->
            raise (LibTorchLoadException($"{Variable}={folder}: {Path.GetFileName path} does not load: {e.Message}", e))
    present

let private loaded = lazy (
    match Environment.GetEnvironmentVariable Variable with
    | null | "" -> []
    | folder -> preload folder)

/// Loads the libtorch that `QNN_LIBTORCH` names, once per process (nothing when it is unset);
/// raises `LibTorchLoadException` with a clear message when that folder holds none. Call it
/// before the first torch call.
let preloadFromEnvironment () : string list = loaded.Force()
