// expect: QNN003
[QuantizedMlp]
[Input(4)]
[Conv(4)]
[Dense(2)]
public partial class ConvInMlp;
