using TorchSharp;

namespace Qnn.Models;

/// <summary>A model declared in this library: its name, spec, a constructor of its generated
/// module, the data set it is made for and what it is.</summary>
public sealed record DeclaredModel(string Name, ModelSpec Spec, Func<torch.nn.Module<torch.Tensor, torch.Tensor>> Create, string DefaultDataSet, string Description);
