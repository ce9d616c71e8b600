using TorchSharp;

namespace Qnn.Models;

/// <summary>A declared model: its name, spec, a constructor of its module, the data set it is
/// made for and what it is. The library's models are declared in C# (the constructor is the
/// generated module's); `qnn` declares the models of spec files the same way (the constructor is
/// <c>Spec.build</c>).</summary>
public sealed record DeclaredModel(string Name, ModelSpec Spec, Func<torch.nn.Module<torch.Tensor, torch.Tensor>> Create, string DefaultDataSet, string Description);
