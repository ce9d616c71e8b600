// expect: QNN014
[QuantizedCnn]
[ImageInput(Height = 28, Width = 28)]
[Conv(2_000_000, Padding = 1, Pool = 2)]
[Conv(8)]
[Dense(10)]
public partial class WideConv;
