// expect: QNN004
[QuantizedCnn]
[ImageInput(Height = 8, Width = 8, Downscale = 0)]
[Dense(2)]
public partial class DownscaledByZero;
