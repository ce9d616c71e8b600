namespace Qnn;

/// <summary>The DSL's defaults for what a declaration leaves out, in one place: the attributes'
/// property initialisers, <c>SpecDefaults</c>, the JSON reader and the generator all read them.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
static class DslDefaults
{
    public const Activation Activation = Qnn.Activation.Binarize;
    public const QMode QMode = Qnn.QMode.Deterministic;
    public const double Dropout = 0.0;
    public const double ResteO = 3.0;
    public const double ResteThreshold = 1.5;
    public const double SwishBeta = 5.0;
    public const double TernaryThreshold = 0.5;
    /// <summary>Bits per feature of an MLP's input.</summary>
    public const int InputBits = 32;
    /// <summary>Bits per pixel of a CNN's input.</summary>
    public const int ImageBits = 8;
    public const int ImageChannels = 1;
    public const WeightQuant WeightQuant = Qnn.WeightQuant.None;
    public const bool Scaled = false;
    public const int Kernel = 3;
    public const int Stride = 1;
    public const int Padding = 0;
    public const int Dilation = 1;
    public const int Groups = 1;
    /// <summary>Max-pool window; 1 is no pooling.</summary>
    public const int Pool = 1;
}
