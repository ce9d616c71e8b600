using Qnn.Host.Cli;

// Before the first torch call: a libtorch named by QNN_LIBTORCH (a CUDA PyTorch's torch/lib)
// must be loaded before TorchSharp loads its glue against the bundled CPU one.
try
{
    Qnn.LibTorch.preloadFromEnvironment();
}
catch (Qnn.LibTorch.LibTorchLoadException e)
{
    Console.Error.WriteLine($"qnn: {e.Message}");
    return ExitCodes.Usage;
}
// Before oneDNN's first convolution: its AVX2 kernels (see src/Core.FSharp/OneDnnGuard.fs).
Qnn.OneDnnGuard.apply();
// Before any tensor exists: keep freed tensor memory in the heap (see Allocator.tuneForTraining).
Qnn.Allocator.tuneForTraining();
return new QnnApp(Terminal.FromConsole()).Run(args);
