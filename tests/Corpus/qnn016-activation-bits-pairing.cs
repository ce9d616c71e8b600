// expect: QNN016
[QuantizedMlp(Activation = Activation.NBits)]
[Input(4)]
[Dense(8, Activation = Activation.Relu, ActivationBits = 2)]
[Dense(8)]
[Dense(2)]
public partial class UnpairedActivationBits;
