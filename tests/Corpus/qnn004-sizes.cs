// expect: QNN004
[QuantizedCnn]
[ImageInput(Height = 8, Width = 8)]
[Conv(0, Kernel = 0, Stride = 0, Padding = -1, Dilation = 0, Pool = 0, Groups = 0)]
[Dense(-2)]
public partial class BadSizes;
