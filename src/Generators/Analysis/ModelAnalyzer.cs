using System.Collections.Generic;
using System.Linq;
using Qnn.Generators.Declarations;
using Qnn.Rules;
using DeclarationSite = Qnn.Generators.Declarations.Site;

namespace Qnn.Generators.Analysis;

/// <summary>
/// The second pipeline stage: the declaration's facts through the rule book's
/// <see cref="ModelChecker"/> (the rules the core's <c>Spec.validate</c> runs too), each finding
/// placed at a declaration site; and, when nothing is an error, the model resolved from the rule
/// book's <see cref="StagePlanner"/> into a <see cref="ModelDescription"/> for the emitter.
/// Diagnostics point at sites, not positions, so the result is cacheable across edits that only
/// move lines.
/// </summary>
internal static class ModelAnalyzer
{
    public static ModelAnalysis Analyze(ModelDeclaration declaration)
    {
        var facts = DeclarationFacts.Of(declaration);
        var findings = ModelChecker.Check(facts);
        var diagnostics = findings
            .Select(f => new DiagnosticInfo(f.Code, SiteOf(declaration, f.Site), f.Arguments.ToEquatableArray()))
            .ToEquatableArray();
        var model = findings.Any(f => f.IsError) ? null : Describe(declaration, facts);
        return new ModelAnalysis(declaration.Key, model, diagnostics);
    }

    /// <summary>Where a finding stands in the declaration: the attribute's argument where it was
    /// written, else the attribute, else the class.</summary>
    private static DeclarationSite SiteOf(ModelDeclaration d, Rules.Site site) => site.Scope switch
    {
        SiteScope.OuterType => DeclarationSite.Outer(site.Index),
        SiteScope.ModelAttribute => Argument(d.ModelAttributes[site.Index], site.Argument),
        SiteScope.InputAttribute => Argument(d.InputAttributes[site.Index], site.Argument),
        SiteScope.Layer => Argument(d.LayerAttributes[site.Index], site.Argument),
        _ => DeclarationSite.Class,
    };

    private static DeclarationSite Argument(AttributeDeclaration attribute, string? argument) =>
        argument is null ? attribute.Site : attribute.SiteOf(argument);

    private static ModelDescription Describe(ModelDeclaration d, ModelFacts facts)
    {
        var stages = StagePlanner.Stages(facts);
        var input = facts.Inputs.First(i => i.IsImage == facts.IsCnn);
        var output = StagePlanner.OutputLayer(facts);
        var layers = new List<LayerDescription>();
        // What the first layer receives: the input, or its downscale.
        var inputShape = stages.Last(s => s.Layer < 0).Shape;
        for (var index = 0; index < facts.Layers.Count; index++)
        {
            var layer = facts.Layers[index];
            var own = stages.Where(s => s.Layer == index).ToList();
            var outputShape = own.Last().Shape;
            var fanIn = StagePlanner.Count(inputShape);
            var kernelCount = layer.IsConv ? inputShape[0] / layer.Groups * (long)layer.Kernel * layer.Kernel * layer.Size : fanIn * layer.Size;
            var (activation, activationBits) = StagePlanner.EffectiveActivation(facts, index, output);
            layers.Add(new LayerDescription(
                index, layer.IsConv, layer.Size, layer.Kernel, layer.Stride, layer.Padding, layer.Dilation, layer.Groups, layer.Pool,
                layer.Weights.ToString(), layer.Bits, layer.Scaled, layer.Activation?.ToString(), layer.ActivationBits,
                IsOutput: index == output,
                inputShape.ToEquatableArray(), outputShape.ToEquatableArray(),
                Parameters: kernelCount + 2L * layer.Size,
                WeightBits: WeightBits.OfLayer(kernelCount, layer.Size, layer.Weights, layer.Bits, layer.Scaled),
                EffectiveActivation: activation == Activation.NBits ? $"NBits({activationBits})" : activation.ToString()));
            inputShape = outputShape;
        }
        var s = facts.Settings;
        return new ModelDescription(
            d.Namespace, d.ClassName, d.ContainingTypes, facts.IsCnn,
            new InputDescription(input.IsImage, input.Features, input.Bits, (input.FeatureBits ?? new int[0]).ToEquatableArray(),
                input.FeatureBits is not null, input.Channels, input.Height, input.Width, input.Downscale),
            layers.ToEquatableArray(),
            stages.Select(st => new StageDescription(st.Kind.ToString(), st.Name, st.Layer)).ToEquatableArray(),
            s.Activation.ToString(), s.ActivationBits, s.QMode.ToString(), s.Dropout, s.ResteO, s.ResteThreshold, s.SwishBeta, s.TernaryThreshold,
            FlattenedFeatures: (int)StagePlanner.Count(layers.First(l => !l.IsConv).InputShape),
            OutputFeatures: layers.Last().Size);
    }
}
