// expect: QNN004
[QuantizedCnn]
[ImageInput(Height = 8, Width = 6, Downscale = 7)]
[Conv(4, Kernel = 1)]
[Dense(2)]
public partial class DownscaledPastTheImage;
