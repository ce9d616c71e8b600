using Qnn;

namespace Qnn.IntegrationTests;

// The two models of docs/dsl.md, declared as a user would.

[QuantizedMlp(Activation = Activation.BinarizeReste, QMode = QMode.Deterministic, Dropout = 0.0,
              ResteO = 3.0, ResteThreshold = 1.5)]
[Input(6, Bits = 16)]
[Dense(32, Weights = WeightQuant.Binary)]
[Dense(32, Weights = WeightQuant.Binary)]
[Dense(3, Weights = WeightQuant.Binary)]
public partial class VertebralMlp;

[QuantizedCnn(Activation = Activation.Binarize, Dropout = 0.1)]
[ImageInput(Channels = 1, Height = 28, Width = 28, Bits = 8)]
[Conv(16, Kernel = 3, Padding = 1, Weights = WeightQuant.Binary)]
[Conv(32, Kernel = 3, Padding = 1, Pool = 2, Weights = WeightQuant.Binary)]
[Dense(32, Weights = WeightQuant.Binary, Activation = Activation.BinarizeReste)]
[Dense(32, Weights = WeightQuant.Binary, Activation = Activation.BinarizeReste)]
[Dense(10)]
public partial class MiniMnistCnn;

[QuantizedCnn(Activation = Activation.Binarize)]
[ImageInput(Channels = 1, Height = 28, Width = 28, Bits = 8)]
[Conv(16, Kernel = 3, Weights = WeightQuant.Binary)]
[Conv(32, Kernel = 3, Pool = 2, Weights = WeightQuant.Binary)]
[Dense(32, Weights = WeightQuant.Binary)]
[Dense(10)]
public partial class MiniMnistCnnNoPadding;

/// <summary>A 28×28 digit downscaled to 14×14 (a 2×2 average) before a 4-bit convolution.</summary>
[QuantizedCnn(Activation = Activation.NBits, ActivationBits = 4)]
[ImageInput(Height = 28, Width = 28, Downscale = 2)]
[Conv(8, Kernel = 3, Pool = 2, Weights = WeightQuant.NBits, Bits = 4)]
[Dense(10, Weights = WeightQuant.NBits, Bits = 4)]
public partial class DownscaledCnn;

[QuantizedMlp(Activation = Activation.Ternarize)]
[Input(8, Bits = 8)]
[Dense(32, Weights = WeightQuant.Ternary)]
[Dense(3, Weights = WeightQuant.Ternary)]
public partial class TernaryBlobMlp;

[QuantizedMlp(Activation = Activation.Relu)]
[Input(8)]
[Dense(32)]
[Dense(3)]
public partial class FloatBlobMlp;

[QuantizedMlp(Activation = Activation.BinarizeReste)]
[Input(8, Bits = 8)]
[Dense(32, Weights = WeightQuant.Binary)]
[Dense(32, Weights = WeightQuant.Binary)]
[Dense(3, Weights = WeightQuant.Binary)]
public partial class BinaryBlobMlp;
