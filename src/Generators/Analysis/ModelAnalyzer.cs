using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using Microsoft.CodeAnalysis;
using Qnn.Generators.Model;
using static Qnn.Generators.Diagnostics.DiagnosticDescriptors;

namespace Qnn.Generators.Analysis;

/// <summary>
/// The second pipeline stage: checks a declaration against the rules of docs/diagnostics and,
/// when it has no error, resolves it into a <see cref="ModelDescription"/> with shapes and costs.
/// The rules, their codes and message arguments mirror the core's <c>Validation</c> module (the
/// consistency test compares both over the shared corpus). Diagnostics point at sites, not
/// positions, so the result is cacheable across edits that only move lines.
/// </summary>
public static class ModelAnalyzer
{
    private static string NameOf(IReadOnlyList<string> names, long value) => DslNames.NameOf(names, value);

    public static ModelAnalysis Analyze(ModelDeclaration declaration)
    {
        var report = new Report();
        ClassRules(declaration, report);
        var modelAttribute = declaration.ModelAttributes[0];
        var isCnn = modelAttribute.Name == "QuantizedCnn";
        foreach (var extra in declaration.ModelAttributes.Skip(1))
            report.Add(InputOrModelAttributeCount, extra.Site, declaration.ClassName, $"[{modelAttribute.Name}] and [{extra.Name}]", "model attribute");

        var settings = ReadSettings(modelAttribute);
        var input = InputRules(declaration, isCnn, report);
        ModelRules(settings, modelAttribute, declaration.ClassName, report);
        var layers = LayerRules(declaration, settings, isCnn, input, report);

        if (report.HasErrors || input is null)
            return new ModelAnalysis(declaration.Key, null, report.Diagnostics.ToEquatableArray());
        var model = new ModelDescription(
            declaration.Namespace, declaration.ClassName, declaration.ContainingTypes, isCnn, input,
            layers.ToEquatableArray(), settings.Activation, settings.ActivationBits, settings.QMode, settings.Dropout,
            settings.ResteO, settings.ResteThreshold, settings.SwishBeta, settings.TernaryThreshold,
            FlattenedFeatures: Product(layers.First(l => !l.IsConv).InputShape),
            OutputFeatures: layers.Last().Size);
        return new ModelAnalysis(declaration.Key, model, report.Diagnostics.ToEquatableArray());
    }

    // -----------------------------------------------------------------------------------------
    // The class itself: QNN001, QNN011

    private static void ClassRules(ModelDeclaration d, Report report)
    {
        if (!d.IsPartial)
            report.Add(ModelNotPartial, Site.Class, d.ClassName, d.ClassName);
        for (var i = 0; i < d.ContainingTypes.Count; i++)
        {
            if (!d.ContainingTypes[i].IsPartial)
                report.Add(ModelNotPartial, Site.Outer(i), d.ContainingTypes[i].Name, d.ClassName);
        }
        if (d.IsGeneric)
            report.Add(UnsupportedClassShape, Site.Class, d.ClassName, "is generic");
        foreach (var outer in d.ContainingTypes.Where(t => t.IsGeneric))
            report.Add(UnsupportedClassShape, Site.Class, d.ClassName, $"is nested in generic type {outer.Name}");
        if (d.HasBaseClass)
            report.Add(UnsupportedClassShape, Site.Class, d.ClassName, "declares a base class");
    }

    // -----------------------------------------------------------------------------------------
    // Model-wide settings: QNN007, QNN008, QNN013, QNN014 (the name), QNN016, QNN017

    private sealed record Settings(
        string Activation, int? ActivationBits, string QMode, double Dropout, double ResteO, double ResteThreshold,
        double SwishBeta, double TernaryThreshold);

    private static Settings ReadSettings(AttributeDeclaration a) => new(
        NameOf(DslNames.Activation, a.Int("Activation", DslDefaults.Activation)),
        a.OptionalInt("ActivationBits"),
        NameOf(DslNames.QMode, a.Int("QMode", DslDefaults.QMode)),
        a.Number("Dropout", DslDefaults.Dropout),
        a.Number("ResteO", DslDefaults.ResteO),
        a.Number("ResteThreshold", DslDefaults.ResteThreshold),
        a.Number("SwishBeta", DslDefaults.SwishBeta),
        a.Number("TernaryThreshold", DslDefaults.TernaryThreshold));

    /// <summary>Whether a number is finite: NaN and ±∞ (<c>double.PositiveInfinity</c>, <c>1.0 / 0</c>) fail every rule on numbers.</summary>
    private static bool Finite(double x) => !double.IsNaN(x) && !double.IsInfinity(x);

    private static void ModelRules(Settings s, AttributeDeclaration a, string className, Report report)
    {
        if (!(s.Dropout >= 0.0 && s.Dropout < 1.0))
            report.Add(Dropout, a.SiteOf("Dropout"), s.Dropout);
        if (!(Finite(s.ResteO) && s.ResteO >= 1.0))
            report.Add(ResteParameters, a.SiteOf("ResteO"), "ResteO", s.ResteO);
        if (!(Finite(s.ResteThreshold) && s.ResteThreshold > 0.0))
            report.Add(ResteParameters, a.SiteOf("ResteThreshold"), "ResteThreshold", s.ResteThreshold);
        if (!(Finite(s.SwishBeta) && s.SwishBeta > 0.0))
            report.Add(ActivationParameter, a.SiteOf("SwishBeta"), "SwishBeta", s.SwishBeta, "BinarizeSwish");
        if (!(Finite(s.TernaryThreshold) && s.TernaryThreshold > 0.0))
            report.Add(ActivationParameter, a.SiteOf("TernaryThreshold"), "TernaryThreshold", s.TernaryThreshold, "Ternarize");
        if (className.Length > Limits.MaxNameLength)
            report.Add(SizeLimit, Site.Class, "the model name's length", className.Length, Limits.MaxNameLength);
        CheckActivationBitsRange(s.ActivationBits, "the model", a.SiteOf("ActivationBits"), report);
        if (s.Activation == "NBits" && s.ActivationBits is null)
            report.Add(ActivationBitsPairing, a.SiteOf("Activation"), "the model", "Activation.NBits without ActivationBits");
        else if (s.Activation != "NBits" && s.ActivationBits is not null)
            report.Add(ActivationBitsPairing, a.SiteOf("ActivationBits"), "the model", $"ActivationBits with Activation = {s.Activation}");
    }

    private static void CheckActivationBitsRange(int? bits, string label, Site site, Report report)
    {
        if (bits is { } b && (b < 1 || b > 31))
            report.Add(ActivationBitsRange, site, label, b);
    }

    // -----------------------------------------------------------------------------------------
    // The input: QNN002, QNN004, QNN005, QNN006

    private static InputDescription? InputRules(ModelDeclaration d, bool isCnn, Report report)
    {
        var expected = isCnn ? "ImageInput" : "Input";
        foreach (var wrong in d.InputAttributes.Where(a => a.Name != expected))
        {
            report.Add(InputOrModelAttributeCount, wrong.Site, d.ClassName,
                isCnn ? "[Input(features)]" : "[ImageInput]",
                isCnn ? "[ImageInput], the input of a CNN" : "[Input(features)], the input of an MLP");
        }
        var matching = d.InputAttributes.Where(a => a.Name == expected).ToList();
        if (matching.Count == 0)
        {
            var wanted = isCnn ? "[ImageInput]" : "[Input(features)]";
            if (d.InputAttributes.Count == 0)
                report.Add(InputOrModelAttributeCount, Site.Class, d.ClassName, "no input attribute", wanted);
            return null;
        }
        foreach (var extra in matching.Skip(1))
            report.Add(InputOrModelAttributeCount, extra.Site, d.ClassName, $"{matching.Count} [{expected}] attributes", $"[{expected}]");
        var a = matching[0];
        if (isCnn)
        {
            var input = new InputDescription(true, 0, a.Int("Bits", DslDefaults.ImageBits), EquatableArray<int>.Empty, false,
                a.Int("Channels", DslDefaults.ImageChannels), a.Int("Height", 0), a.Int("Width", 0));
            Positive(report, a.SiteOf("Channels"), "image channels", input.Channels);
            Positive(report, a.SiteOf("Height"), "image height", input.Height);
            Positive(report, a.SiteOf("Width"), "image width", input.Width);
            InputBitsRange(input.Bits, a, report);
            return input;
        }
        var featureBits = a.Find("FeatureBits");
        var hasFeatureBits = featureBits is { IsArray: true };
        var features = new InputDescription(false, a.Int("features", 0), a.Int("Bits", DslDefaults.InputBits),
            hasFeatureBits ? featureBits!.Integers : EquatableArray<int>.Empty, hasFeatureBits, 0, 0, 0);
        Positive(report, a.SiteOf("features"), "input feature count", features.Features);
        if (!hasFeatureBits)
        {
            InputBitsRange(features.Bits, a, report);
        }
        else
        {
            if (features.FeatureBits.Count != features.Features)
                report.Add(FeatureBits, a.SiteOf("FeatureBits"), $"FeatureBits has {features.FeatureBits.Count} entries for {features.Features} input features");
            for (var i = 0; i < features.FeatureBits.Count; i++)
            {
                var b = features.FeatureBits[i];
                if (b < 1 || b > 32)
                    report.Add(FeatureBits, a.SiteOf("FeatureBits"), $"FeatureBits[{i}] is {b}");
            }
        }
        return features;
    }

    private static void InputBitsRange(int bits, AttributeDeclaration a, Report report)
    {
        if (bits < 1 || bits > 32)
            report.Add(BitWidth, a.SiteOf("Bits"), "input", $"Bits = {bits}", "input widths", 1, 32);
    }

    private static void Positive(Report report, Site site, string what, int value)
    {
        if (value <= 0)
            report.Add(SizeOutOfRange, site, what, value, "positive");
    }

    // -----------------------------------------------------------------------------------------
    // Layers: QNN003, QNN004, QNN005, QNN009, QNN010, QNN012, QNN013, QNN014, QNN015, QNN016
    //
    // Shapes are followed in 64 bits and only while they are known and within Limits (as the
    // core's Validation does): after a layer whose output is empty (QNN009), oversized (QNN014)
    // or undefined, later layers get no shape rules, and the parameter total is checked only when
    // every layer's parameters are known, so its count is exact.

    private static List<LayerDescription> LayerRules(ModelDeclaration d, Settings s, bool isCnn, InputDescription? input, Report report)
    {
        var layers = d.LayerAttributes;
        var lastDense = -1;
        var firstDense = -1;
        for (var i = 0; i < layers.Count; i++)
        {
            if (layers[i].Name != "Dense") continue;
            lastDense = i;
            if (firstDense < 0) firstDense = i;
        }
        if (lastDense < 0)
            report.Add(LayerOrder, Site.Class, $"model {d.ClassName} has no Dense layer");

        long[]? shape = input switch
        {
            { IsImage: true, Channels: > 0, Height: > 0, Width: > 0 } => new long[] { input.Channels, input.Height, input.Width },
            { IsImage: false, Features: > 0 } => new long[] { input.Features },
            _ => null,
        };
        if (shape is not null)
        {
            var inputSite = d.InputAttributes.First(a => a.Name == (isCnn ? "ImageInput" : "Input")).Site;
            if (!WithinActivationLimit(report, inputSite, "the input", shape))
                shape = null;
        }
        BigInteger? parameterTotal = BigInteger.Zero;
        var described = new List<LayerDescription>();
        for (var index = 0; index < layers.Count; index++)
        {
            var a = layers[index];
            var isConv = a.Name == "Conv";
            var name = StageNames.Layer(isConv, index + 1);
            var label = $"{a.Name} {name}";
            var size = a.Int(isConv ? "channels" : "units", 0);
            var weights = NameOf(DslNames.WeightQuant, a.Int("Weights", DslDefaults.WeightQuant));
            var bits = a.OptionalInt("Bits");
            var activation = a.Find("Activation") is { } act ? NameOf(DslNames.Activation, act.Integer) : null;
            var activationBits = a.OptionalInt("ActivationBits");
            var isOutput = index == lastDense;
            int kernel = a.Int("Kernel", DslDefaults.Kernel), stride = a.Int("Stride", DslDefaults.Stride),
                padding = a.Int("Padding", DslDefaults.Padding), dilation = a.Int("Dilation", DslDefaults.Dilation),
                groups = a.Int("Groups", DslDefaults.Groups), pool = a.Int("Pool", DslDefaults.Pool);
            var scaled = a.Bool("Scaled", DslDefaults.Scaled);

            if (isConv)
            {
                if (!isCnn)
                    report.Add(LayerOrder, a.Site, $"{label} is in an MLP");
                if (firstDense >= 0 && firstDense < index)
                    report.Add(LayerOrder, a.Site, $"{label} comes after a Dense layer");
                Positive(report, a.SiteOf("channels"), $"{label} channels", size);
                Positive(report, a.SiteOf("Kernel"), $"{label} kernel", kernel);
                Positive(report, a.SiteOf("Stride"), $"{label} stride", stride);
                Positive(report, a.SiteOf("Dilation"), $"{label} dilation", dilation);
                Positive(report, a.SiteOf("Pool"), $"{label} pool", pool);
                if (padding < 0)
                    report.Add(SizeOutOfRange, a.SiteOf("Padding"), $"{label} padding", padding, "0 or more");
            }
            else
            {
                Positive(report, a.SiteOf("units"), $"{label} units", size);
            }
            WeightRules(a, label, weights, bits, report);
            LayerActivationRules(a, s, label, isOutput, activation, activationBits, report);

            long[]? output = null;
            BigInteger? parameters = null;
            if (isConv)
            {
                var sizesValid = size > 0 && kernel > 0 && stride > 0 && dilation > 0 && pool > 0 && padding >= 0;
                Positive(report, a.SiteOf("Groups"), $"{label} groups", groups);
                if (shape is { Length: 3 } && sizesValid)
                {
                    if (groups > 0 && (shape[0] % groups != 0 || size % groups != 0))
                        report.Add(Groups, a.SiteOf("Groups"), label, groups, shape[0], size);
                    var convolved = new long[] { size, Shapes.ConvolvedSize(shape[1], kernel, stride, padding, dilation), Shapes.ConvolvedSize(shape[2], kernel, stride, padding, dilation) };
                    var side = new[] { Shapes.PooledSize(convolved[1], (long)pool), Shapes.PooledSize(convolved[2], (long)pool) };
                    var empty = side[0] <= 0 || side[1] <= 0;
                    if (empty)
                        report.Add(EmptyConvOutput, a.Site, label, side[0], side[1], shape[1], shape[2], kernel, stride, padding, dilation, pool);
                    // The convolution's output, before pooling, is the block's largest stage.
                    var withinLimit = WithinActivationLimit(report, a.Site, $"{label}'s convolution", convolved);
                    if (groups > 0)
                        parameters = new BigInteger(shape[0] / groups) * kernel * kernel * size + 2 * new BigInteger(size);
                    if (!empty && withinLimit)
                        output = new[] { size, side[0], side[1] };
                }
            }
            else if (size > 0)
            {
                if (WithinActivationLimit(report, a.SiteOf("units"), $"{label}'s output", new long[] { size }))
                    output = new long[] { size };
                if (shape is not null)
                    parameters = new BigInteger(Product(shape)) * size + 2 * new BigInteger(size);
            }
            parameterTotal = parameterTotal is { } sum && parameters is { } p ? sum + p : null;

            // (A model with an error gets no description; Groups = 0 must not divide by zero here.)
            if (shape is not null && output is not null && groups > 0)
            {
                var effective = activation ?? s.Activation;
                var effectiveBits = activationBits ?? s.ActivationBits;
                var kernelCount = isConv ? shape[0] / groups * kernel * kernel * size : Product(shape) * size;
                var weightBits = kernelCount * Cost.BitsPerWeight(weights, bits) + (Cost.HasChannelScale(weights, scaled) ? 32L * size : 0L);
                described.Add(new LayerDescription(
                    index, isConv, size, kernel, stride, padding, dilation, groups, pool, weights, bits, scaled,
                    activation, activationBits, isOutput,
                    HasActivationModule: !isOutput && effective != "None",
                    HasDropout: !isConv && !isOutput && s.Dropout > 0.0,
                    FlattenBefore: !isConv && shape.Length > 1,
                    shape.Select(n => (int)n).ToEquatableArray(), output.Select(n => (int)n).ToEquatableArray(),
                    Parameters: kernelCount + 2L * size,
                    WeightBits: weightBits,
                    EffectiveActivation: isOutput ? "None" : Cost.DescribeActivation(effective, effectiveBits)));
            }
            shape = output;
        }
        if (parameterTotal is { } total && total > Limits.MaxParameters)
            report.Add(SizeLimit, Site.Class, $"the parameter count of model {d.ClassName} (weights and BatchNorm)", total, Limits.MaxParameters);
        return described;
    }

    /// <summary>QNN014 on the values one sample produces at a stage; whether it is within the limit.</summary>
    private static bool WithinActivationLimit(Report report, Site site, string what, long[] shape)
    {
        // Exact: three sides of up to 2^33 each can overflow a long.
        var count = shape.Aggregate(BigInteger.One, (p, n) => p * n);
        if (count <= Limits.MaxActivationsPerSample)
            return true;
        var described = shape.Length > 1 ? $" ({string.Join("×", shape)})" : "";
        report.Add(SizeLimit, site, $"the value count per sample of {what}{described}", count, Limits.MaxActivationsPerSample);
        return false;
    }

    private static void WeightRules(AttributeDeclaration a, string label, string mode, int? bits, Report report)
    {
        if (mode == "NBits" && bits is null)
            report.Add(BitWidth, a.SiteOf("Weights"), label, "NBits weights without Bits", "NBits weights", 2, 31);
        else if (mode == "NBits" && bits is { } b && (b < 2 || b > 31))
            report.Add(BitWidth, a.SiteOf("Bits"), label, $"NBits weights with Bits = {b}", "NBits weights", 2, 31);
        else if (mode != "NBits" && bits is { } ignored)
            report.Add(IgnoredWeightBits, a.SiteOf("Bits"), label, ignored, mode);
    }

    private static void LayerActivationRules(
        AttributeDeclaration a, Settings s, string label, bool isOutput, string? activation, int? bits, Report report)
    {
        if (isOutput && activation is not null)
            report.Add(OutputActivation, a.SiteOf("Activation"), label, activation);
        CheckActivationBitsRange(bits, label, a.SiteOf("ActivationBits"), report);
        var effective = activation ?? s.Activation;
        if (bits is not null && effective != "NBits")
            report.Add(ActivationBitsPairing, a.SiteOf("ActivationBits"), label, $"ActivationBits with Activation = {effective}");
        if (activation == "NBits" && bits is null && s.ActivationBits is null)
            report.Add(ActivationBitsPairing, a.SiteOf("Activation"), label, "Activation.NBits without ActivationBits");
    }

    private static int Product(IEnumerable<int> shape) => shape.Aggregate(1, (p, n) => p * n);

    /// <summary>The values in a shape within <see cref="Limits.MaxActivationsPerSample"/>.</summary>
    private static long Product(long[] shape) => shape.Aggregate(1L, (p, n) => p * n);

    /// <summary>Collects diagnostics in the order the rules fire; numbers become invariant text ("R" for doubles, as the core writes them).</summary>
    private sealed class Report
    {
        public List<DiagnosticInfo> Diagnostics { get; } = new();

        public bool HasErrors { get; private set; }

        public void Add(DiagnosticDescriptor descriptor, Site site, params object[] arguments)
        {
            HasErrors |= descriptor.DefaultSeverity == DiagnosticSeverity.Error;
            Diagnostics.Add(new DiagnosticInfo(descriptor.Id, site, arguments.Select(Text).ToEquatableArray()));
        }

        private static string Text(object argument) => argument switch
        {
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => argument.ToString() ?? "",
        };
    }
}
