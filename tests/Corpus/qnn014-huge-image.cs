// expect: QNN014
[QuantizedCnn]
[ImageInput(Channels = 3, Height = 2_000_000_000, Width = 2_000_000_000)]
[Conv(4)]
[Dense(10)]
public partial class HugeImage;
