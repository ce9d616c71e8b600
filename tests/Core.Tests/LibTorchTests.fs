module Qnn.Tests.LibTorchTests

open System.IO
open Xunit
open Qnn

[<Fact>]
let ``a QNN_LIBTORCH folder without libtorch is a clear error`` () =
    let folder = Directory.CreateTempSubdirectory("qnn-libtorch-").FullName
    try
        let e = Assert.Throws<LibTorch.LibTorchLoadException>(fun () -> LibTorch.preload folder |> ignore)
        Assert.Equal($"QNN_LIBTORCH={folder}: the folder has no libtorch.so; set it to a libtorch folder such as a PyTorch install's torch/lib, or unset it", e.Message)
    finally
        Directory.Delete folder

[<Fact>]
let ``a QNN_LIBTORCH folder that does not exist is a clear error`` () =
    let folder = Path.Combine(Path.GetTempPath(), "qnn-no-such-libtorch-folder")
    let e = Assert.Throws<LibTorch.LibTorchLoadException>(fun () -> LibTorch.preload folder |> ignore)
    Assert.StartsWith($"QNN_LIBTORCH={folder}: no such folder", e.Message)

[<Fact>]
let ``a program that bundles its own libtorch refuses another before loading it`` () =
    // These tests run beside TorchSharp-cpu's libtorch (runtimes/linux-x64/native); the files
    // here are not libraries, so a load would fail with another message.
    let folder = Directory.CreateTempSubdirectory("qnn-libtorch-").FullName
    try
        for name in [ "libtorch.so"; "libc10.so" ] do
            File.WriteAllText(Path.Combine(folder, name), "not a library")
        let e = Assert.Throws<LibTorch.LibTorchLoadException>(fun () -> LibTorch.preload folder |> ignore)
        Assert.StartsWith($"QNN_LIBTORCH={folder}: this program bundles its own libtorch (", e.Message)
        Assert.Contains("build it with -p:QnnTorchSharp=managed", e.Message)
    finally
        Directory.Delete(folder, true)

[<Fact>]
let ``a folder with libtorch.so but no libc10.so is refused before anything loads`` () =
    let folder = Directory.CreateTempSubdirectory("qnn-libtorch-").FullName
    try
        File.WriteAllText(Path.Combine(folder, "libtorch.so"), "not a library")
        let e = Assert.Throws<LibTorch.LibTorchLoadException>(fun () -> LibTorch.preload folder |> ignore)
        Assert.Contains("the folder has no libc10.so", e.Message)
    finally
        Directory.Delete(folder, true)

[<Fact>]
let ``oneDNN is capped at its AVX2 kernels unless the user chose a cap`` () =
    let before = OneDnnGuard.nativeValue "ONEDNN_MAX_CPU_ISA"
    let inForce = OneDnnGuard.apply ()
    // Building a convolution applies it too (oneDNN reads the cap at its first convolution).
    use _ = new QuantConv2d(1L, 2L, 3L, Quantizer.TernaryWeights())
    Assert.Equal(inForce, OneDnnGuard.nativeValue "ONEDNN_MAX_CPU_ISA")
    match System.Environment.GetEnvironmentVariable "ONEDNN_MAX_CPU_ISA", System.Environment.GetEnvironmentVariable "DNNL_MAX_CPU_ISA" with
    | null, null -> Assert.Equal(Some OneDnnGuard.Isa, inForce)
    | _ -> Assert.Equal(before, inForce)
