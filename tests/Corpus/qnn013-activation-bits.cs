// expect: QNN013
[QuantizedMlp(Activation = Activation.NBits, SwishBeta = 0)]
[Input(4)]
[Dense(8, ActivationBits = 40)]
[Dense(8, Activation = Activation.Relu, ActivationBits = 2)]
[Dense(2)]
public partial class BadActivationBits;
