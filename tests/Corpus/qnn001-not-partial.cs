// expect: QNN001
[QuantizedMlp]
[Input(4)]
[Dense(2)]
public class NotPartial;
