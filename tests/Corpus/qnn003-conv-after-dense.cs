// expect: QNN003
[QuantizedCnn]
[ImageInput(Height = 8, Width = 8)]
[Dense(4)]
[Conv(4)]
[Dense(2)]
public partial class ConvAfterDense;
