namespace Qnn.Generators.Analysis;

/// <summary>
/// The DSL's defaults for arguments a declaration leaves out. The generator targets
/// netstandard2.0 and cannot load the F# core, so this is its copy of <c>Qnn.DslDefaults</c>;
/// the consistency test compares the two. Enum defaults are the members' integer values.
/// </summary>
public static class DslDefaults
{
    public const int Activation = 2; // Binarize
    public const int QMode = 0; // Deterministic
    public const double Dropout = 0.0;
    public const double ResteO = 3.0;
    public const double ResteThreshold = 1.5;
    public const double SwishBeta = 5.0;
    public const double TernaryThreshold = 0.5;
    public const int InputBits = 32;
    public const int ImageBits = 8;
    public const int ImageChannels = 1;
    public const int WeightQuant = 0; // None
    public const bool Scaled = false;
    public const int Kernel = 3;
    public const int Stride = 1;
    public const int Padding = 0;
    public const int Dilation = 1;
    public const int Groups = 1;
    public const int Pool = 1;
}
