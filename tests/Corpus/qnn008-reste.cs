// expect: QNN008
[QuantizedMlp(Activation = Activation.BinarizeReste, ResteO = 0.9, ResteThreshold = -1)]
[Input(4)]
[Dense(8)]
[Dense(2)]
public partial class BadReste;
