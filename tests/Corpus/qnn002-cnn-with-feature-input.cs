// expect: QNN002
[QuantizedCnn]
[Input(16)]
[Dense(2)]
public partial class CnnWithFeatures;
