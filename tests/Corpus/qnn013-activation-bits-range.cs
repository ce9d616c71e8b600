// expect: QNN013
[QuantizedMlp(Activation = Activation.NBits, ActivationBits = 0)]
[Input(4)]
[Dense(8, ActivationBits = 40)]
[Dense(8, ActivationBits = 31)]
[Dense(2)]
public partial class BadActivationBits;
