// expect: QNN003
[QuantizedCnn]
[ImageInput(Height = 8, Width = 8)]
[Conv(4)]
public partial class NoDense;
