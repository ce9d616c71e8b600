// expect: QNN009
[QuantizedCnn]
[ImageInput(Height = 6, Width = 6)]
[Conv(8, Kernel = 3, Stride = 2, Pool = 2)]
[Conv(8, Kernel = 3, Dilation = 2)]
[Dense(2)]
public partial class EmptyConv;
