// expect: QNN012
[QuantizedMlp]
[Input(4)]
[Dense(8)]
[Dense(2, Activation = Activation.Relu)]
public partial class OutputActivation;
