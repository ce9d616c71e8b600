using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;

namespace Qnn.Rules;

/// <summary>
/// The rules of docs/diagnostics.md, checked on <see cref="ModelFacts"/>: every broken rule as a
/// <see cref="Finding"/>, in the order the parts are declared (the class, the model attributes,
/// the input, the model-wide settings, the layers). Shapes are followed in 64 bits and only while
/// they are known and within <see cref="Limits"/>: after a layer whose output is empty (QNN009),
/// oversized (QNN014) or undefined (a size that is not positive), later layers get no shape rules,
/// and the parameter total is checked only when every layer's parameters are known, so its count
/// is exact. Each layer's work is constant: linear in the number of layers.
/// </summary>
#if QNN_GENERATOR
internal
#else
public
#endif
static class ModelChecker
{
    public static IReadOnlyList<Finding> Check(ModelFacts model)
    {
        var findings = new Findings();
        if (model.Class is { } declared)
            ClassRules(model.Name, declared, findings);
        ModelAttributeRules(model, findings);
        var (input, inputIndex) = InputRules(model, findings);
        SettingsRules(model, findings);
        LayerRules(model, input, inputIndex, findings);
        return findings.All;
    }

    // -----------------------------------------------------------------------------------------
    // The class itself: QNN001, QNN011

    private static void ClassRules(string name, ClassFacts c, Findings findings)
    {
        if (!c.IsPartial)
            findings.Add(RuleCatalog.NotPartial, Site.Class(), name, name);
        for (var i = 0; i < c.ContainingTypes.Count; i++)
        {
            if (!c.ContainingTypes[i].IsPartial)
                findings.Add(RuleCatalog.NotPartial, Site.Outer(i), c.ContainingTypes[i].Name, name);
        }
        if (c.IsGeneric)
            findings.Add(RuleCatalog.UnsupportedClassShape, Site.Class(), name, "is generic");
        foreach (var outer in c.ContainingTypes.Where(t => t.IsGeneric))
            findings.Add(RuleCatalog.UnsupportedClassShape, Site.Class(), name, $"is nested in generic type {outer.Name}");
        if (c.HasBaseClass)
            findings.Add(RuleCatalog.UnsupportedClassShape, Site.Class(), name, "declares a base class");
    }

    // -----------------------------------------------------------------------------------------
    // Model attributes and the input: QNN002, QNN004, QNN005, QNN006

    private static void ModelAttributeRules(ModelFacts model, Findings findings)
    {
        for (var i = 1; i < model.ModelAttributes.Count; i++)
        {
            findings.Add(RuleCatalog.AttributeCount, new Site(SiteScope.ModelAttribute, i, null, null), model.Name,
                $"[{model.ModelAttributes[0]}] and [{model.ModelAttributes[i]}]", "model attribute");
        }
    }

    /// <summary>The input of the model's kind (and its index among the input attributes), or null when there is none.</summary>
    private static (InputFacts? Input, int Index) InputRules(ModelFacts model, Findings findings)
    {
        var expected = model.IsCnn ? "ImageInput" : "Input";
        for (var i = 0; i < model.Inputs.Count; i++)
        {
            if (model.Inputs[i].IsImage != model.IsCnn)
            {
                findings.Add(RuleCatalog.AttributeCount, Site.Input(i, null), model.Name,
                    model.IsCnn ? "[Input(features)]" : "[ImageInput]",
                    model.IsCnn ? "[ImageInput], the input of a CNN" : "[Input(features)], the input of an MLP");
            }
        }
        var matching = Enumerable.Range(0, model.Inputs.Count).Where(i => model.Inputs[i].IsImage == model.IsCnn).ToList();
        if (matching.Count == 0)
        {
            if (model.Inputs.Count == 0)
                findings.Add(RuleCatalog.AttributeCount, Site.Class(), model.Name, "no input attribute", model.IsCnn ? "[ImageInput]" : "[Input(features)]");
            return (null, -1);
        }
        foreach (var extra in matching.Skip(1))
            findings.Add(RuleCatalog.AttributeCount, Site.Input(extra, null), model.Name, $"{matching.Count} [{expected}] attributes", $"[{expected}]");
        var index = matching[0];
        var input = model.Inputs[index];
        if (input.IsImage)
        {
            Positive(findings, Site.Input(index, "Channels"), "image channels", input.Channels);
            Positive(findings, Site.Input(index, "Height"), "image height", input.Height);
            Positive(findings, Site.Input(index, "Width"), "image width", input.Width);
            Positive(findings, Site.Input(index, "Downscale"), "image downscale", input.Downscale);
            if (input.Downscale > 1 && input.Height > 0 && input.Width > 0 && input.Downscale > Math.Min(input.Height, input.Width))
                findings.Add(RuleCatalog.SizeOutOfRange, Site.Input(index, "Downscale"), "image downscale", input.Downscale, $"at most the image's {input.Height}×{input.Width}");
            InputBits(findings, index, input.Bits);
            return (input, index);
        }
        Positive(findings, Site.Input(index, "Features", "features"), "input feature count", input.Features);
        if (input.FeatureBits is not { } widths)
        {
            InputBits(findings, index, input.Bits);
        }
        else
        {
            if (widths.Count != input.Features)
                findings.Add(RuleCatalog.FeatureBits, Site.Input(index, "FeatureBits"), $"FeatureBits has {widths.Count} entries for {input.Features} input features");
            for (var i = 0; i < widths.Count; i++)
            {
                if (widths[i] < Limits.MinInputBits || widths[i] > Limits.MaxInputBits)
                    findings.Add(RuleCatalog.FeatureBits, Site.Input(index, "FeatureBits", element: i), $"FeatureBits[{i}] is {widths[i]}");
            }
        }
        return (input, index);
    }

    private static void InputBits(Findings findings, int index, int bits)
    {
        if (bits < Limits.MinInputBits || bits > Limits.MaxInputBits)
            findings.Add(RuleCatalog.BitWidth, Site.Input(index, "Bits"), "input", $"Bits = {bits}", "input widths", Limits.MinInputBits, Limits.MaxInputBits);
    }

    private static void Positive(Findings findings, Site site, string what, int value)
    {
        if (value <= 0)
            findings.Add(RuleCatalog.SizeOutOfRange, site, what, value, "positive");
    }

    // -----------------------------------------------------------------------------------------
    // Model-wide settings: QNN007, QNN008, QNN013, QNN014 (the name), QNN016, QNN017

    /// <summary>Whether a number is finite: NaN and ±∞ (JSON's 1e400, C#'s <c>1.0 / 0</c>) fail every rule on numbers.</summary>
    private static bool Finite(double x) => !double.IsNaN(x) && !double.IsInfinity(x);

    private static void SettingsRules(ModelFacts model, Findings findings)
    {
        var s = model.Settings;
        if (!(s.Dropout >= 0.0 && s.Dropout < 1.0))
            findings.Add(RuleCatalog.Dropout, Site.Model("Dropout"), s.Dropout);
        if (!(Finite(s.ResteO) && s.ResteO >= 1.0))
            findings.Add(RuleCatalog.ResteParameters, Site.Model("ResteO"), "ResteO", s.ResteO);
        if (!(Finite(s.ResteThreshold) && s.ResteThreshold > 0.0))
            findings.Add(RuleCatalog.ResteParameters, Site.Model("ResteThreshold"), "ResteThreshold", s.ResteThreshold);
        if (!(Finite(s.SwishBeta) && s.SwishBeta > 0.0))
            findings.Add(RuleCatalog.ActivationParameter, Site.Model("SwishBeta"), "SwishBeta", s.SwishBeta, "BinarizeSwish");
        if (!(Finite(s.TernaryThreshold) && s.TernaryThreshold > 0.0))
            findings.Add(RuleCatalog.ActivationParameter, Site.Model("TernaryThreshold"), "TernaryThreshold", s.TernaryThreshold, "Ternarize");
        if (model.Name.Length > Limits.MaxNameLength)
            findings.Add(RuleCatalog.SizeLimit, Site.Class("Name"), "the model name's length", model.Name.Length, Limits.MaxNameLength);
        ActivationBitsRange(findings, Site.Model("ActivationBits"), "the model", s.ActivationBits);
        if (s.Activation == Activation.NBits && s.ActivationBits is null)
            findings.Add(RuleCatalog.ActivationBitsPairing, new Site(SiteScope.ModelAttribute, 0, "ActivationBits", "Activation"), "the model", "Activation.NBits without ActivationBits");
        else if (s.Activation != Activation.NBits && s.ActivationBits is not null)
            findings.Add(RuleCatalog.ActivationBitsPairing, Site.Model("ActivationBits"), "the model", $"ActivationBits with Activation = {s.Activation}");
    }

    private static void ActivationBitsRange(Findings findings, Site site, string label, int? bits)
    {
        if (bits is { } b && (b < Limits.MinActivationBits || b > Limits.MaxActivationBits))
            findings.Add(RuleCatalog.ActivationBitsRange, site, label, b);
    }

    // -----------------------------------------------------------------------------------------
    // Layers: QNN003, QNN004, QNN005, QNN009, QNN010, QNN012, QNN013, QNN014, QNN015, QNN016

    private static void LayerRules(ModelFacts model, InputFacts? input, int inputIndex, Findings findings)
    {
        var layers = model.Layers;
        var lastDense = -1;
        var firstDense = -1;
        for (var i = 0; i < layers.Count; i++)
        {
            if (layers[i].IsConv) continue;
            lastDense = i;
            if (firstDense < 0) firstDense = i;
        }
        if (lastDense < 0)
            findings.Add(RuleCatalog.LayerOrder, Site.Class("layers"), $"model {model.Name} has no Dense layer");

        long[]? shape = input switch
        {
            { IsImage: true, Channels: > 0, Height: > 0, Width: > 0, Downscale: > 0 } when input.Downscale <= Math.Min(input.Height, input.Width) =>
                StagePlanner.Downscaled(input).Select(n => (long)n).ToArray(),
            { IsImage: false, Features: > 0 } => new long[] { input.Features },
            _ => null,
        };
        if (shape is not null && !WithinActivationLimit(findings, Site.Input(inputIndex, null), "the input", shape))
            shape = null;
        BigInteger? parameterTotal = BigInteger.Zero;
        for (var index = 0; index < layers.Count; index++)
        {
            var layer = layers[index];
            var label = $"{layer.KindName} {StageNames.Layer(layer.IsConv, index + 1)}";
            var (output, parameters) = layer.IsConv
                ? ConvRules(model, layer, index, label, firstDense, shape, findings)
                : DenseRules(model, layer, index, label, index == lastDense, shape, findings);
            parameterTotal = parameterTotal is { } sum && parameters is { } p ? sum + p : null;
            shape = output;
        }
        if (parameterTotal is { } total && total > Limits.MaxParameters)
            findings.Add(RuleCatalog.SizeLimit, Site.Class("layers"), $"the parameter count of model {model.Name} (weights and BatchNorm)", total, Limits.MaxParameters);
    }

    private static (long[]? Output, BigInteger? Parameters) DenseRules(
        ModelFacts model, LayerFacts layer, int index, string label, bool isOutput, long[]? shape, Findings findings)
    {
        var units = layer.Size;
        Positive(findings, Site.Layer(index, "Units", "units"), $"{label} units", units);
        WeightRules(findings, layer, index, label);
        LayerActivationRules(findings, model.Settings, layer, index, label, isOutput);
        if (units <= 0)
            return (null, null);
        var output = WithinActivationLimit(findings, Site.Layer(index, "Units", "units"), $"{label}'s output", new long[] { units })
            ? new long[] { units }
            : null;
        BigInteger? parameters = shape is null ? null : new BigInteger(Product(shape)) * units + 2 * new BigInteger(units);
        return (output, parameters);
    }

    private static (long[]? Output, BigInteger? Parameters) ConvRules(
        ModelFacts model, LayerFacts c, int index, string label, int firstDense, long[]? shape, Findings findings)
    {
        var site = Site.Layer(index, null);
        if (!model.IsCnn)
            findings.Add(RuleCatalog.LayerOrder, site, $"{label} is in an MLP");
        if (firstDense >= 0 && firstDense < index)
            findings.Add(RuleCatalog.LayerOrder, site, $"{label} comes after a Dense layer");
        Positive(findings, Site.Layer(index, "Channels", "channels"), $"{label} channels", c.Size);
        Positive(findings, Site.Layer(index, "Kernel"), $"{label} kernel", c.Kernel);
        Positive(findings, Site.Layer(index, "Stride"), $"{label} stride", c.Stride);
        Positive(findings, Site.Layer(index, "Dilation"), $"{label} dilation", c.Dilation);
        Positive(findings, Site.Layer(index, "Pool"), $"{label} pool", c.Pool);
        if (c.Padding < 0)
            findings.Add(RuleCatalog.SizeOutOfRange, Site.Layer(index, "Padding"), $"{label} padding", c.Padding, "0 or more");
        WeightRules(findings, c, index, label);
        LayerActivationRules(findings, model.Settings, c, index, label, isOutput: false);
        Positive(findings, Site.Layer(index, "Groups"), $"{label} groups", c.Groups);

        var sizesValid = c.Size > 0 && c.Kernel > 0 && c.Stride > 0 && c.Dilation > 0 && c.Pool > 0 && c.Padding >= 0;
        if (shape is not { Length: 3 } || !sizesValid)
            return (null, null);
        if (c.Groups > 0 && (shape[0] % c.Groups != 0 || c.Size % c.Groups != 0))
            findings.Add(RuleCatalog.Groups, Site.Layer(index, "Groups"), label, c.Groups, shape[0], c.Size);
        long Side(long n) => ShapeMath.ConvolvedSize(n, c.Kernel, c.Stride, c.Padding, c.Dilation);
        var convolved = new long[] { c.Size, Side(shape[1]), Side(shape[2]) };
        var pooled = new long[] { c.Size, ShapeMath.PooledSize(convolved[1], c.Pool), ShapeMath.PooledSize(convolved[2], c.Pool) };
        var empty = pooled[1] <= 0 || pooled[2] <= 0;
        if (empty)
            findings.Add(RuleCatalog.EmptyConvOutput, site, label, pooled[1], pooled[2], shape[1], shape[2], c.Kernel, c.Stride, c.Padding, c.Dilation, c.Pool);
        // The convolution's output, before pooling, is the block's largest stage.
        var withinLimit = WithinActivationLimit(findings, site, $"{label}'s convolution", convolved);
        BigInteger? parameters = c.Groups > 0
            ? new BigInteger(shape[0] / c.Groups) * c.Kernel * c.Kernel * c.Size + 2 * new BigInteger(c.Size)
            : null;
        return (!empty && withinLimit ? pooled : null, parameters);
    }

    private static void WeightRules(Findings findings, LayerFacts layer, int index, string label)
    {
        if (layer.Weights == WeightQuant.NBits && layer.Bits is null)
            findings.Add(RuleCatalog.BitWidth, Site.Layer(index, "Bits", "Weights"), label, "NBits weights without Bits", "NBits weights", Limits.MinWeightBits, Limits.MaxWeightBits);
        else if (layer.Weights == WeightQuant.NBits && layer.Bits is { } b && (b < Limits.MinWeightBits || b > Limits.MaxWeightBits))
            findings.Add(RuleCatalog.BitWidth, Site.Layer(index, "Bits"), label, $"NBits weights with Bits = {b}", "NBits weights", Limits.MinWeightBits, Limits.MaxWeightBits);
        else if (layer.Weights != WeightQuant.NBits && layer.Bits is { } ignored)
            findings.Add(RuleCatalog.IgnoredWeightBits, Site.Layer(index, "Bits"), label, ignored, layer.Weights);
    }

    private static void LayerActivationRules(Findings findings, SettingsFacts s, LayerFacts layer, int index, string label, bool isOutput)
    {
        if (isOutput && layer.Activation is { } declared)
            findings.Add(RuleCatalog.OutputActivation, Site.Layer(index, "Activation"), label, declared);
        ActivationBitsRange(findings, Site.Layer(index, "ActivationBits"), label, layer.ActivationBits);
        var effective = layer.Activation ?? s.Activation;
        if (layer.ActivationBits is not null && effective != Activation.NBits)
            findings.Add(RuleCatalog.ActivationBitsPairing, Site.Layer(index, "ActivationBits"), label, $"ActivationBits with Activation = {effective}");
        if (layer.Activation == Activation.NBits && layer.ActivationBits is null && s.ActivationBits is null)
            findings.Add(RuleCatalog.ActivationBitsPairing, Site.Layer(index, "ActivationBits", "Activation"), label, "Activation.NBits without ActivationBits");
    }

    /// <summary>QNN014 on the values one sample produces at a stage; whether it is within the limit.</summary>
    private static bool WithinActivationLimit(Findings findings, Site site, string what, long[] shape)
    {
        // Exact: three sides of up to 2^33 each can overflow a long.
        var count = shape.Aggregate(BigInteger.One, (p, n) => p * n);
        if (count <= Limits.MaxActivationsPerSample)
            return true;
        var described = shape.Length > 1 ? $" ({string.Join("×", shape)})" : "";
        findings.Add(RuleCatalog.SizeLimit, site, $"the value count per sample of {what}{described}", count, Limits.MaxActivationsPerSample);
        return false;
    }

    /// <summary>The values in a shape within <see cref="Limits.MaxActivationsPerSample"/>.</summary>
    private static long Product(long[] shape) => shape.Aggregate(1L, (p, n) => p * n);
}
