// expect: QNN017
[QuantizedMlp(Activation = Activation.BinarizeSwish, SwishBeta = 0, TernaryThreshold = -0.25)]
[Input(4)]
[Dense(8)]
[Dense(2)]
public partial class BadActivationParameters;
