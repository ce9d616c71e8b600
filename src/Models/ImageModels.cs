namespace Qnn.Models;

// Models for 28×28 grayscale images (MNIST, Fashion-MNIST and their mini versions).

/// <summary>The seed's CNN with padding 1: 6272 features into the head.</summary>
[QuantizedCnn(Activation = Activation.Binarize, Dropout = 0.1)]
[ImageInput(Channels = 1, Height = 28, Width = 28, Bits = 8)]
[Conv(16, Kernel = 3, Padding = 1, Weights = WeightQuant.Binary)]
[Conv(32, Kernel = 3, Padding = 1, Pool = 2, Weights = WeightQuant.Binary)]
[Dense(32, Weights = WeightQuant.Binary, Activation = Activation.BinarizeReste)]
[Dense(32, Weights = WeightQuant.Binary, Activation = Activation.BinarizeReste)]
[Dense(10)]
public partial class MiniMnistCnn;

/// <summary>A binary LeNet-5: two 5×5 conv blocks with pooling, then 120-84-10.</summary>
[QuantizedCnn(Activation = Activation.Binarize)]
[ImageInput(Channels = 1, Height = 28, Width = 28, Bits = 8)]
[Conv(6, Kernel = 5, Padding = 2, Pool = 2, Weights = WeightQuant.Binary)]
[Conv(16, Kernel = 5, Pool = 2, Weights = WeightQuant.Binary)]
[Dense(120, Weights = WeightQuant.Binary)]
[Dense(84, Weights = WeightQuant.Binary)]
[Dense(10, Weights = WeightQuant.Binary)]
public partial class BinaryLeNet5;
