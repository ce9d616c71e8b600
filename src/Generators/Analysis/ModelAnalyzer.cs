using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Qnn.Generators.Model;

namespace Qnn.Generators.Analysis;

/// <summary>
/// The second pipeline stage: checks a declaration against DESIGN.md's rules and, when it has no
/// error, resolves it into a <see cref="ModelDescription"/> with shapes and costs. The rules and
/// their messages mirror the core's <c>Validation</c> module (a shared corpus tests both).
/// </summary>
public static class ModelAnalyzer
{
    private static readonly string[] WeightQuantNames = { "None", "NBits", "Binary", "Ternary" };
    private static readonly string[] ActivationNames =
        { "None", "Relu", "Binarize", "BinarizeReste", "BinarizeApprox", "BinarizeSwish", "Ternarize", "NBits" };
    private static readonly string[] QModeNames = { "Deterministic", "Stochastic" };

    private static string NameOf(string[] names, long value) =>
        value >= 0 && value < names.Length ? names[value] : value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static ModelAnalysis Analyze(ModelDeclaration declaration)
    {
        var report = new Report();
        ClassRules(declaration, report);
        var modelAttribute = declaration.ModelAttributes[0];
        var isCnn = modelAttribute.Name == "QuantizedCnn";
        foreach (var extra in declaration.ModelAttributes.Skip(1))
            report.Error("QNN002", extra.Location, $"the model has both [{modelAttribute.Name}] and [{extra.Name}]; it needs exactly one model attribute");

        var settings = ReadSettings(modelAttribute);
        var input = InputRules(declaration, isCnn, report);
        ModelRules(settings, modelAttribute, report);
        var layers = LayerRules(declaration, settings, isCnn, input, report);

        if (report.HasErrors || input is null)
            return new ModelAnalysis(null, report.Diagnostics.ToEquatableArray());
        var model = new ModelDescription(
            declaration.Namespace, declaration.ClassName, declaration.ContainingTypes, isCnn, input,
            layers.ToEquatableArray(), settings.Activation, settings.ActivationBits, settings.QMode, settings.Dropout,
            settings.ResteO, settings.ResteThreshold, settings.SwishBeta, settings.TernaryThreshold,
            FlattenedFeatures: Product(layers.First(l => !l.IsConv).InputShape),
            OutputFeatures: layers.Last().Size);
        return new ModelAnalysis(model, report.Diagnostics.ToEquatableArray());
    }

    // -----------------------------------------------------------------------------------------
    // The class itself: QNN001, QNN011

    private static void ClassRules(ModelDeclaration d, Report report)
    {
        if (!d.IsPartial)
            report.Error("QNN001", d.ClassLocation, $"model class {d.ClassName} must be declared partial, so the generator can add its members");
        foreach (var outer in d.ContainingTypes.Where(t => !t.IsPartial))
            report.Error("QNN001", outer.Location, $"{outer.Name} contains model class {d.ClassName} and must be declared partial too");
        if (d.IsGeneric)
            report.Error("QNN011", d.ClassLocation, $"model class {d.ClassName} is generic; a model class cannot have type parameters");
        foreach (var outer in d.ContainingTypes.Where(t => t.IsGeneric))
            report.Error("QNN011", d.ClassLocation, $"model class {d.ClassName} is nested in generic type {outer.Name}; a model class cannot be nested in a generic type");
        if (d.HasBaseClass)
            report.Error("QNN011", d.ClassLocation, $"model class {d.ClassName} declares a base class; the generator derives it from torch.nn.Module<Tensor, Tensor>");
    }

    // -----------------------------------------------------------------------------------------
    // Model-wide settings: QNN007, QNN008, QNN013

    private sealed record Settings(
        string Activation, int? ActivationBits, string QMode, double Dropout, double ResteO, double ResteThreshold,
        double SwishBeta, double TernaryThreshold);

    private static Settings ReadSettings(AttributeDeclaration a) => new(
        NameOf(ActivationNames, a.Int("Activation", 2)),
        a.OptionalInt("ActivationBits"),
        NameOf(QModeNames, a.Int("QMode", 0)),
        a.Number("Dropout", 0.0),
        a.Number("ResteO", 3.0),
        a.Number("ResteThreshold", 1.5),
        a.Number("SwishBeta", 5.0),
        a.Number("TernaryThreshold", 0.5));

    private static void ModelRules(Settings s, AttributeDeclaration a, Report report)
    {
        if (!(s.Dropout >= 0.0 && s.Dropout < 1.0))
            report.Error("QNN007", a.LocationOf("Dropout"), $"Dropout is {Invariant(s.Dropout)}; it must be in [0, 1)");
        if (!(s.ResteO >= 1.0))
            report.Error("QNN008", a.LocationOf("ResteO"), $"ResteO is {Invariant(s.ResteO)}; ReSTE needs o >= 1");
        if (!(s.ResteThreshold > 0.0))
            report.Error("QNN008", a.LocationOf("ResteThreshold"), $"ResteThreshold is {Invariant(s.ResteThreshold)}; ReSTE needs threshold > 0");
        if (!(s.SwishBeta > 0.0))
            report.Error("QNN013", a.LocationOf("SwishBeta"), $"SwishBeta is {Invariant(s.SwishBeta)}; SwishSign needs beta > 0");
        if (!(s.TernaryThreshold > 0.0))
            report.Error("QNN013", a.LocationOf("TernaryThreshold"), $"TernaryThreshold is {Invariant(s.TernaryThreshold)}; Ternarize needs threshold > 0");
        ActivationBitsRange(s.ActivationBits, "the model's", a.LocationOf("ActivationBits"), report);
        if (s.Activation == "NBits" && s.ActivationBits is null)
            report.Error("QNN013", a.LocationOf("Activation"), "the model's Activation is NBits without ActivationBits; NBits needs ActivationBits = 1..31");
        else if (s.Activation != "NBits" && s.ActivationBits is not null)
            report.Error("QNN013", a.LocationOf("ActivationBits"), $"the model sets ActivationBits with Activation = {s.Activation}; ActivationBits needs Activation.NBits");
    }

    private static void ActivationBitsRange(int? bits, string label, LocationInfo? location, Report report)
    {
        if (bits is { } b && (b < 1 || b > 31))
            report.Error("QNN013", location, $"{label} ActivationBits is {b}; NBits activations take 1..31 bits");
    }

    // -----------------------------------------------------------------------------------------
    // The input: QNN002, QNN004, QNN005, QNN006

    private static InputDescription? InputRules(ModelDeclaration d, bool isCnn, Report report)
    {
        var expected = isCnn ? "ImageInput" : "Input";
        foreach (var wrong in d.InputAttributes.Where(a => a.Name != expected))
            report.Error("QNN002", wrong.Location, isCnn ? "a CNN takes [ImageInput], not [Input(features)]" : "an MLP takes [Input(features)], not [ImageInput]");
        var matching = d.InputAttributes.Where(a => a.Name == expected).ToList();
        if (matching.Count == 0)
        {
            var wanted = isCnn ? "[ImageInput]" : "[Input(features)]";
            if (d.InputAttributes.Count == 0)
                report.Error("QNN002", d.ClassLocation, $"model class {d.ClassName} has no input attribute; it needs exactly one {wanted}");
            return null;
        }
        foreach (var extra in matching.Skip(1))
            report.Error("QNN002", extra.Location, $"model class {d.ClassName} has {matching.Count} [{expected}] attributes; it needs exactly one");
        var a = matching[0];
        if (isCnn)
        {
            var input = new InputDescription(true, 0, a.Int("Bits", 8), EquatableArray<int>.Empty, false,
                a.Int("Channels", 1), a.Int("Height", 0), a.Int("Width", 0));
            Positive(report, a.LocationOf("Channels"), "image channels", input.Channels);
            Positive(report, a.LocationOf("Height"), "image height", input.Height);
            Positive(report, a.LocationOf("Width"), "image width", input.Width);
            if (input.Bits < 1 || input.Bits > 32)
                report.Error("QNN005", a.LocationOf("Bits"), $"input Bits is {input.Bits}; input bit widths are 1..32");
            return input;
        }
        var featureBits = a.Find("FeatureBits");
        var hasFeatureBits = featureBits is { IsArray: true };
        var features = new InputDescription(false, a.Int("features", 0), a.Int("Bits", 32),
            hasFeatureBits ? featureBits!.Integers : EquatableArray<int>.Empty, hasFeatureBits, 0, 0, 0);
        Positive(report, a.LocationOf("features"), "input feature count", features.Features);
        if (!hasFeatureBits)
        {
            if (features.Bits < 1 || features.Bits > 32)
                report.Error("QNN005", a.LocationOf("Bits"), $"input Bits is {features.Bits}; input bit widths are 1..32");
        }
        else
        {
            if (features.FeatureBits.Count != features.Features)
                report.Error("QNN006", a.LocationOf("FeatureBits"), $"FeatureBits has {features.FeatureBits.Count} entries for {features.Features} input features; it needs one per feature");
            for (var i = 0; i < features.FeatureBits.Count; i++)
            {
                var b = features.FeatureBits[i];
                if (b < 1 || b > 32)
                    report.Error("QNN006", a.LocationOf("FeatureBits"), $"FeatureBits[{i}] is {b}; each feature's width is 1..32");
            }
        }
        return features;
    }

    private static void Positive(Report report, LocationInfo? location, string what, int value)
    {
        if (value <= 0)
            report.Error("QNN004", location, $"{what} is {value}; it must be positive");
    }

    // -----------------------------------------------------------------------------------------
    // Layers: QNN003, QNN004, QNN005, QNN009, QNN010, QNN012, QNN013

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
            report.Error("QNN003", d.ClassLocation, "the model has no Dense layer; it needs at least one (the last Dense is the output layer)");

        int[]? shape = input switch
        {
            { IsImage: true, Channels: > 0, Height: > 0, Width: > 0 } => new[] { input.Channels, input.Height, input.Width },
            { IsImage: false, Features: > 0 } => new[] { input.Features },
            _ => null,
        };
        var described = new List<LayerDescription>();
        for (var index = 0; index < layers.Count; index++)
        {
            var a = layers[index];
            var isConv = a.Name == "Conv";
            var name = (isConv ? "conv" : "fc") + (index + 1);
            var label = $"{a.Name} {name}";
            var size = a.Int(isConv ? "channels" : "units", 0);
            var weights = NameOf(WeightQuantNames, a.Int("Weights", 0));
            var bits = a.OptionalInt("Bits");
            var activation = a.Find("Activation") is { } act ? NameOf(ActivationNames, act.Integer) : null;
            var activationBits = a.OptionalInt("ActivationBits");
            var isOutput = index == lastDense;
            int kernel = a.Int("Kernel", 3), stride = a.Int("Stride", 1), padding = a.Int("Padding", 0),
                dilation = a.Int("Dilation", 1), groups = a.Int("Groups", 1), pool = a.Int("Pool", 1);

            if (isConv)
            {
                if (!isCnn)
                    report.Error("QNN003", a.Location, $"{label} is in an MLP; Conv layers are only allowed in a [QuantizedCnn]");
                if (firstDense >= 0 && firstDense < index)
                    report.Error("QNN003", a.Location, $"{label} comes after a Dense layer; Conv layers must come before any Dense");
                Positive(report, a.LocationOf("channels"), $"{label} channels", size);
                Positive(report, a.LocationOf("Kernel"), $"{label} kernel", kernel);
                Positive(report, a.LocationOf("Stride"), $"{label} stride", stride);
                Positive(report, a.LocationOf("Dilation"), $"{label} dilation", dilation);
                Positive(report, a.LocationOf("Pool"), $"{label} pool", pool);
                if (padding < 0)
                    report.Error("QNN004", a.LocationOf("Padding"), $"{label} padding is {padding}; it must not be negative");
            }
            else
            {
                Positive(report, a.LocationOf("units"), $"{label} units", size);
            }
            WeightRules(a, label, weights, bits, report);
            LayerActivationRules(a, s, label, isOutput, activation, activationBits, report);

            int[]? output = null;
            if (isConv)
            {
                var sizesValid = size > 0 && kernel > 0 && stride > 0 && dilation > 0 && pool > 0 && padding >= 0;
                if (groups <= 0)
                    report.Error("QNN004", a.LocationOf("Groups"), $"{label} groups is {groups}; it must be positive");
                if (shape is { Length: 3 } && sizesValid)
                {
                    if (groups > 0 && (shape[0] % groups != 0 || size % groups != 0))
                        report.Error("QNN010", a.LocationOf("Groups"), $"{label} has Groups = {groups}, which does not divide its {shape[0]} input and {size} output channels");
                    var side = new[] { shape[1], shape[2] }.Select(n => Shapes.PooledSize(Shapes.ConvolvedSize(n, kernel, stride, padding, dilation), pool)).ToArray();
                    if (side[0] <= 0 || side[1] <= 0)
                        report.Error("QNN009", a.Location, $"{label} outputs {side[0]}×{side[1]} from a {shape[1]}×{shape[2]} input (kernel {kernel}, stride {stride}, padding {padding}, dilation {dilation}, pool {pool}); a conv block's output must not be empty");
                    else
                        output = new[] { size, side[0], side[1] };
                }
            }
            else if (size > 0)
            {
                output = new[] { size };
            }

            if (shape is not null && output is not null)
            {
                var effective = activation ?? s.Activation;
                var effectiveBits = activationBits ?? s.ActivationBits;
                var kernelCount = isConv ? (long)(shape[0] / groups) * kernel * kernel * size : (long)Product(shape) * size;
                var weightBits = kernelCount * Cost.BitsPerWeight(weights, bits) + (Cost.HasChannelScale(weights, a.Bool("Scaled", false)) ? 32L * size : 0L);
                described.Add(new LayerDescription(
                    index, isConv, size, kernel, stride, padding, dilation, groups, pool, weights, bits, a.Bool("Scaled", false),
                    activation, activationBits, isOutput,
                    HasActivationModule: !isOutput && effective != "None",
                    HasDropout: !isConv && !isOutput && s.Dropout > 0.0,
                    FlattenBefore: !isConv && shape.Length > 1,
                    shape.ToEquatableArray(), output.ToEquatableArray(),
                    Parameters: kernelCount + 2L * size,
                    WeightBits: weightBits,
                    EffectiveActivation: isOutput ? "None" : Cost.DescribeActivation(effective, effectiveBits)));
            }
            shape = output;
        }
        return described;
    }

    private static void WeightRules(AttributeDeclaration a, string label, string mode, int? bits, Report report)
    {
        if (mode == "NBits" && bits is null)
            report.Error("QNN005", a.LocationOf("Weights"), $"{label} uses NBits weights without Bits; NBits needs Bits = 2..31");
        else if (mode == "NBits" && bits is { } b && (b < 2 || b > 31))
            report.Error("QNN005", a.LocationOf("Bits"), $"{label} has NBits weights with Bits = {b}; NBits weights take 2..31 bits");
        else if (mode != "NBits" && bits is { } ignored)
            report.Warning("QNN005", a.LocationOf("Bits"), $"{label} sets Bits = {ignored} on {mode} weights; Bits applies only to NBits and is ignored");
    }

    private static void LayerActivationRules(
        AttributeDeclaration a, Settings s, string label, bool isOutput, string? activation, int? bits, Report report)
    {
        if (isOutput && activation is not null)
            report.Warning("QNN012", a.LocationOf("Activation"), $"{label} is the output layer; its Activation = {activation} is ignored (outputs are logits)");
        ActivationBitsRange(bits, label, a.LocationOf("ActivationBits"), report);
        var effective = activation ?? s.Activation;
        if (bits is not null && effective != "NBits")
            report.Error("QNN013", a.LocationOf("ActivationBits"), $"{label} sets ActivationBits with Activation = {effective}; ActivationBits needs Activation.NBits");
        if (activation == "NBits" && bits is null && s.ActivationBits is null)
            report.Error("QNN013", a.LocationOf("Activation"), $"{label} uses Activation.NBits without ActivationBits; NBits needs ActivationBits = 1..31");
    }

    private static int Product(IEnumerable<int> shape) => shape.Aggregate(1, (p, n) => p * n);

    /// <summary>Collects diagnostics in the order the rules fire.</summary>
    private sealed class Report
    {
        public List<DiagnosticInfo> Diagnostics { get; } = new();
        public bool HasErrors => Diagnostics.Any(d => !d.IsWarning);
        public void Error(string id, LocationInfo? location, string message) => Diagnostics.Add(new DiagnosticInfo(id, false, location, message));
        public void Warning(string id, LocationInfo? location, string message) => Diagnostics.Add(new DiagnosticInfo(id, true, location, message));
    }
}
