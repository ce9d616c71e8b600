// expect: QNN011
[QuantizedMlp]
[Input(4)]
[Dense(2)]
public partial class GenericModel<T>;
