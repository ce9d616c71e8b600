namespace Qnn.Generators.Analysis;

/// <summary>
/// The generator's copy of the core's stage names (<c>StageName.ofKind</c> in
/// src/Core.FSharp/Stage.fs): the generated fields, so the state_dict keys are those of
/// <c>Spec.build</c>. The consistency test compares every emitted field with the core's stages.
/// </summary>
internal static class StageNames
{
    public const string Input = "input";
    public const string Flatten = "flatten";

    /// <summary>A layer's main module: <c>conv{n}</c> or <c>fc{n}</c> (n 1-based).</summary>
    public static string Layer(bool isConv, int number) => (isConv ? "conv" : "fc") + number;

    public static string BatchNorm(int number) => "bn" + number;

    public static string Activation(int number) => "act" + number;

    public static string Pool(int number) => "pool" + number;

    public static string Dropout(int number) => "drop" + number;
}
