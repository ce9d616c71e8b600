// expect: QNN016
[QuantizedCnn(ActivationBits = 4)]
[ImageInput(Height = 8, Width = 8)]
[Conv(4, Activation = Activation.NBits)]
[Dense(2)]
public partial class LayerNBitsWithModelBits;
