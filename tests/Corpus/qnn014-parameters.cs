// expect: QNN014
[QuantizedMlp]
[Input(65536)]
[Dense(65536)]
[Dense(10)]
public partial class TooManyParameters;
