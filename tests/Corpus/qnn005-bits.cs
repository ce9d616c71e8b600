// expect: QNN005 QNN015
[QuantizedMlp]
[Input(4, Bits = 33)]
[Dense(8, Weights = WeightQuant.NBits)]
[Dense(8, Weights = WeightQuant.NBits, Bits = 1)]
[Dense(2, Weights = WeightQuant.Ternary, Bits = 3)]
public partial class BadBits;
