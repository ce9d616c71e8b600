// expect: QNN007
[QuantizedMlp(Dropout = -0.5)]
[Input(4)]
[Dense(2)]
public partial class BadDropout;
