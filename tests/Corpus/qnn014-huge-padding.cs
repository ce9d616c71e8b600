// expect: QNN014
[QuantizedCnn]
[ImageInput(Height = 4, Width = 4)]
[Conv(4, Kernel = 1, Padding = 2_000_000_000, Pool = 2_147_483_647)]
[Dense(10)]
public partial class HugePadding;
