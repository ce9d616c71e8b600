// expect: QNN006
[QuantizedMlp]
[Input(3, FeatureBits = new[] { 8, 0, 40, 8 })]
[Dense(2)]
public partial class BadFeatureBits;
