using System.Linq;
using Qnn.Generators.Declarations;
using Qnn.Rules;

namespace Qnn.Generators.Analysis;

/// <summary>A declaration as the rule book's <see cref="ModelFacts"/>: every attribute's arguments,
/// those left out at the DSL's defaults (<see cref="DslDefaults"/>), enum arguments as the
/// integers written (a value the enum does not define stays that number in messages).</summary>
internal static class DeclarationFacts
{
    public static ModelFacts Of(ModelDeclaration d)
    {
        var model = d.ModelAttributes[0];
        var classFacts = new ClassFacts(d.IsPartial, d.IsGeneric, d.HasBaseClass,
            d.ContainingTypes.Select(t => new OuterTypeFacts(t.Name, t.IsPartial, t.IsGeneric)).ToArray());
        return new ModelFacts(
            d.ClassName,
            model.Name == "QuantizedCnn",
            classFacts,
            d.ModelAttributes.Select(a => a.Name).ToArray(),
            d.InputAttributes.Select(Input).ToArray(),
            Settings(model),
            d.LayerAttributes.Select(Layer).ToArray());
    }

    private static InputFacts Input(AttributeDeclaration a)
    {
        if (a.Name == "ImageInput")
            return InputFacts.OfImage(a.Int("Channels", DslDefaults.ImageChannels), a.Int("Height", 0), a.Int("Width", 0), a.Int("Bits", DslDefaults.ImageBits), a.Int("Downscale", 1));
        var featureBits = a.Find("FeatureBits") is { IsArray: true } widths ? widths.Integers.ToArray() : null;
        return InputFacts.OfFeatures(a.Int("features", 0), a.Int("Bits", DslDefaults.InputBits), featureBits);
    }

    private static SettingsFacts Settings(AttributeDeclaration a) => new(
        (Activation)a.Int("Activation", (int)DslDefaults.Activation),
        a.OptionalInt("ActivationBits"),
        (QMode)a.Int("QMode", (int)DslDefaults.QMode),
        a.Number("Dropout", DslDefaults.Dropout),
        a.Number("ResteO", DslDefaults.ResteO),
        a.Number("ResteThreshold", DslDefaults.ResteThreshold),
        a.Number("SwishBeta", DslDefaults.SwishBeta),
        a.Number("TernaryThreshold", DslDefaults.TernaryThreshold));

    private static LayerFacts Layer(AttributeDeclaration a)
    {
        var isConv = a.Name == "Conv";
        return new LayerFacts(
            isConv,
            a.Int(isConv ? "channels" : "units", 0),
            a.Int("Kernel", DslDefaults.Kernel),
            a.Int("Stride", DslDefaults.Stride),
            a.Int("Padding", DslDefaults.Padding),
            a.Int("Dilation", DslDefaults.Dilation),
            a.Int("Groups", DslDefaults.Groups),
            a.Int("Pool", DslDefaults.Pool),
            (WeightQuant)a.Int("Weights", (int)DslDefaults.WeightQuant),
            a.OptionalInt("Bits"),
            a.Bool("Scaled", DslDefaults.Scaled),
            a.Find("Activation") is { } activation ? (Activation)activation.Integer : null,
            a.OptionalInt("ActivationBits"));
    }
}
