// expect: QNN007 QNN008 QNN017
[QuantizedMlp(Activation = Activation.BinarizeReste, ResteO = double.PositiveInfinity, ResteThreshold = double.PositiveInfinity, SwishBeta = double.PositiveInfinity, TernaryThreshold = double.PositiveInfinity, Dropout = double.PositiveInfinity)]
[Input(4)]
[Dense(8)]
[Dense(2)]
public partial class InfiniteParameters;
