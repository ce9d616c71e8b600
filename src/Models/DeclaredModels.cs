namespace Qnn.Models;

/// <summary>Every model declared in this library, in the order `qnn` lists them.</summary>
public static class DeclaredModels
{
    /// <summary>The models, each with its generated module's constructor.</summary>
    public static IReadOnlyList<DeclaredModel> All { get; } = new DeclaredModel[]
    {
        new("VertebralMlp", VertebralMlp.Spec, () => new VertebralMlp(), "vertebral", "the seed's binary MLP (ReSTE activations)"),
        new("FloatMlp", FloatMlp.Spec, () => new FloatMlp(), "vertebral", "float baseline with ReLU"),
        new("TernaryMlp", TernaryMlp.Spec, () => new TernaryMlp(), "vertebral", "ternary weights and activations"),
        new("NBitsMlp", NBitsMlp.Spec, () => new NBitsMlp(), "vertebral", "4-bit weights, 2-bit activations, per-feature input bits"),
        new("MiniMnistCnn", MiniMnistCnn.Spec, () => new MiniMnistCnn(), "mini-mnist", "the seed's binary CNN (6272 features into the head)"),
        new("BinaryLeNet5", BinaryLeNet5.Spec, () => new BinaryLeNet5(), "mini-mnist", "binary LeNet-5"),
    };

    /// <summary>The declared model of that name (case-insensitive), or null.</summary>
    public static DeclaredModel? Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
}
