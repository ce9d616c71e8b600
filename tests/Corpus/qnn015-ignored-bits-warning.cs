// expect: QNN015
[QuantizedMlp]
[Input(4)]
[Dense(2, Weights = WeightQuant.Binary, Bits = 8)]
public partial class IgnoredBits;
