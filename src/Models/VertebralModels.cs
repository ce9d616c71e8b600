namespace Qnn.Models;

// The seed notebook's first model and its baselines, for the six features of UCI vertebral.

/// <summary>The seed's binary MLP: 16-bit inputs, binary weights, ReSTE-binarized activations.</summary>
[QuantizedMlp(Activation = Activation.BinarizeReste, QMode = QMode.Deterministic, Dropout = 0.0,
              ResteO = 3.0, ResteThreshold = 1.5)]
[Input(6, Bits = 16)]
[Dense(32, Weights = WeightQuant.Binary)]
[Dense(32, Weights = WeightQuant.Binary)]
[Dense(3, Weights = WeightQuant.Binary)]
public partial class VertebralMlp;

/// <summary>The float baseline: the same widths, float inputs and weights, ReLU.</summary>
[QuantizedMlp(Activation = Activation.Relu)]
[Input(6)]
[Dense(32)]
[Dense(32)]
[Dense(3)]
public partial class FloatMlp;

/// <summary>Ternary weights (TWN) and ternary activations.</summary>
[QuantizedMlp(Activation = Activation.Ternarize, TernaryThreshold = 0.5)]
[Input(6, Bits = 16)]
[Dense(32, Weights = WeightQuant.Ternary)]
[Dense(32, Weights = WeightQuant.Ternary)]
[Dense(3, Weights = WeightQuant.Ternary)]
public partial class TernaryMlp;

/// <summary>4-bit weights, 2-bit DoReFa activations and per-feature input widths (the seed's
/// "per input neuron quantization level").</summary>
[QuantizedMlp(Activation = Activation.NBits, ActivationBits = 2)]
[Input(6, FeatureBits = new[] { 8, 8, 8, 8, 16, 16 })]
[Dense(32, Weights = WeightQuant.NBits, Bits = 4)]
[Dense(32, Weights = WeightQuant.NBits, Bits = 4)]
[Dense(3, Weights = WeightQuant.NBits, Bits = 8)]
public partial class NBitsMlp;
