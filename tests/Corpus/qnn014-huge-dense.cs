// expect: QNN014
[QuantizedMlp]
[Input(784)]
[Dense(1_000_000_000)]
[Dense(10)]
public partial class HugeDense;
