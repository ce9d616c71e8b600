// expect: QNN004 QNN007 QNN010 QNN012
[QuantizedCnn(Dropout = 1.5)]
[ImageInput(Channels = 2, Height = 16, Width = 16)]
[Conv(6, Groups = 4, Padding = 1)]
[Conv(8, Kernel = -1)]
[Dense(2, Activation = Activation.Binarize)]
public partial class SeveralMistakes;
