// expect: QNN002
[QuantizedMlp]
[ImageInput(Height = 4, Width = 4)]
[Dense(2)]
public partial class MlpWithImage;
