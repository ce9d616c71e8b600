// expect: QNN004
[QuantizedCnn]
[ImageInput(Channels = 0, Height = 0, Width = -1)]
[Dense(2)]
public partial class BadImage;
