// expect: QNN010
[QuantizedCnn]
[ImageInput(Channels = 6, Height = 8, Width = 8)]
[Conv(9, Groups = 3)]
[Conv(8, Groups = 3)]
[Dense(2)]
public partial class BadGroups;
