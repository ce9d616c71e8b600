namespace Qnn.Generators.Tests;

/// <summary>
/// The representative valid declarations of <see cref="SnapshotTests"/>; the consistency test
/// compares their emitted field names with the core's topology too.
/// </summary>
public static class SnapshotDeclarations
{
    public const string VertebralMlp = """
    [QuantizedMlp(Activation = Activation.BinarizeReste, QMode = QMode.Deterministic, Dropout = 0.0,
                  ResteO = 3.0, ResteThreshold = 1.5)]
    [Input(6, Bits = 16)]
    [Dense(32, Weights = WeightQuant.Binary)]
    [Dense(32, Weights = WeightQuant.Binary)]
    [Dense(3, Weights = WeightQuant.Binary)]
    public partial class VertebralMlp;
    """;

    public const string MiniMnistCnn = """
    [QuantizedCnn(Activation = Activation.Binarize, Dropout = 0.1)]
    [ImageInput(Channels = 1, Height = 28, Width = 28, Bits = 8)]
    [Conv(16, Kernel = 3, Padding = 1, Weights = WeightQuant.Binary)]
    [Conv(32, Kernel = 3, Padding = 1, Pool = 2, Weights = WeightQuant.Binary)]
    [Dense(32, Weights = WeightQuant.Binary, Activation = Activation.BinarizeReste)]
    [Dense(32, Weights = WeightQuant.Binary, Activation = Activation.BinarizeReste)]
    [Dense(10)]
    public partial class MiniMnistCnn;
    """;

    public const string NBitsMlpWithPerFeatureInputBits = """
    [QuantizedMlp(Activation = Activation.NBits, ActivationBits = 4, QMode = QMode.Stochastic)]
    [Input(6, FeatureBits = new[] { 8, 8, 8, 8, 16, 16 })]
    [Dense(24, Weights = WeightQuant.NBits, Bits = 4)]
    [Dense(24, Weights = WeightQuant.NBits, Bits = 2, ActivationBits = 2)]
    [Dense(3, Weights = WeightQuant.NBits, Bits = 8)]
    internal partial class NBitsMlp;
    """;

    public const string TernaryMlp = """
    [QuantizedMlp(Activation = Activation.Ternarize, TernaryThreshold = 0.4, Dropout = 0.2)]
    [Input(6, Bits = 8)]
    [Dense(64, Weights = WeightQuant.Ternary)]
    [Dense(3, Weights = WeightQuant.Ternary)]
    public partial class TernaryMlp;
    """;

    public const string CnnWithStrideDilationAndGroups = """
    [QuantizedCnn(Activation = Activation.BinarizeSwish, SwishBeta = 4.0)]
    [ImageInput(Channels = 4, Height = 32, Width = 32, Bits = 8)]
    [Conv(16, Kernel = 5, Stride = 2, Padding = 2, Weights = WeightQuant.Binary, Scaled = true)]
    [Conv(32, Kernel = 3, Dilation = 2, Groups = 4, Pool = 2, Weights = WeightQuant.Binary, Activation = Activation.BinarizeApprox)]
    [Dense(10, Weights = WeightQuant.Binary)]
    public partial class GroupedCnn;
    """;

    public const string DownscaledCnn = """
    [QuantizedCnn(Activation = Activation.NBits, ActivationBits = 4)]
    [ImageInput(Height = 28, Width = 28, Downscale = 2)]
    [Conv(8, Kernel = 3, Pool = 2, Weights = WeightQuant.NBits, Bits = 4)]
    [Dense(10, Weights = WeightQuant.NBits, Bits = 4)]
    public partial class DownscaledCnn;
    """;

    public const string FloatBaseline = """
    public static partial class Baselines
    {
        [QuantizedMlp(Activation = Activation.Relu)]
        [Input(6)]
        [Dense(32)]
        [Dense(32)]
        [Dense(3)]
        public partial class FloatMlp;
    }
    """;

    /// <summary>Each declaration by its snapshot's name.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        [nameof(VertebralMlp)] = VertebralMlp,
        [nameof(MiniMnistCnn)] = MiniMnistCnn,
        [nameof(NBitsMlpWithPerFeatureInputBits)] = NBitsMlpWithPerFeatureInputBits,
        [nameof(TernaryMlp)] = TernaryMlp,
        [nameof(CnnWithStrideDilationAndGroups)] = CnnWithStrideDilationAndGroups,
        [nameof(DownscaledCnn)] = DownscaledCnn,
        [nameof(FloatBaseline)] = FloatBaseline,
    };
}
