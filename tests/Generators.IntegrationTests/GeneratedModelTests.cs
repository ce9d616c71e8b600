using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Qnn.IntegrationTests;

public class GeneratedModelTests
{
    [Fact]
    public void Constants_come_from_the_declaration()
    {
        Assert.Equal(6, VertebralMlp.InputFeatures);
        Assert.Equal(3, VertebralMlp.OutputFeatures);
        Assert.Equal(1, MiniMnistCnn.InputChannels);
        Assert.Equal(28, MiniMnistCnn.InputHeight);
        Assert.Equal(28, MiniMnistCnn.InputWidth);
        Assert.Equal(6272, MiniMnistCnn.FlattenedFeatures);
        Assert.Equal(4608, MiniMnistCnnNoPadding.FlattenedFeatures);
        Assert.Equal(10, MiniMnistCnn.OutputFeatures);
    }

    [Fact]
    public void Spec_is_the_declaration_as_data()
    {
        Assert.Empty(global::Qnn.Spec.validate(MiniMnistCnn.Spec));
        Assert.Equal(6272, global::Qnn.Spec.flattenedFeatures(MiniMnistCnn.Spec));
        Assert.Equal(Activation.BinarizeReste, VertebralMlp.Spec.Activation);
        Assert.Equal(0.1, MiniMnistCnn.Spec.Dropout);
        // The downscale: its stage after the input, and what the first layer receives.
        Assert.Equal(new[] { "input", "downscale", "conv1" }, global::Qnn.Spec.stages(DownscaledCnn.Spec).Take(3).Select(s => s.Name));
        Assert.Equal(new[] { 1, 14, 14 }, global::Qnn.Spec.stages(DownscaledCnn.Spec)[1].Shape);
        Assert.Equal(8 * 6 * 6, global::Qnn.Spec.flattenedFeatures(DownscaledCnn.Spec));
        Assert.Equal(DownscaledCnn.Spec, global::Qnn.Spec.ofJson(global::Qnn.Spec.toJson(DownscaledCnn.Spec)).ResultValue);
        var fromJson = global::Qnn.Spec.ofJson(global::Qnn.Spec.toJson(VertebralMlp.Spec));
        Assert.Equal(VertebralMlp.Spec, fromJson.ResultValue);
    }

    public static TheoryData<string> ModelNames => new() { "VertebralMlp", "MiniMnistCnn", "MiniMnistCnnNoPadding", "DownscaledCnn", "TernaryBlobMlp", "FloatBlobMlp" };

    private static (nn.Module<Tensor, Tensor> Generated, ModelSpec Spec) Create(string name) => name switch
    {
        "VertebralMlp" => (new VertebralMlp(), VertebralMlp.Spec),
        "MiniMnistCnn" => (new MiniMnistCnn(), MiniMnistCnn.Spec),
        "MiniMnistCnnNoPadding" => (new MiniMnistCnnNoPadding(), MiniMnistCnnNoPadding.Spec),
        "DownscaledCnn" => (new DownscaledCnn(), DownscaledCnn.Spec),
        "TernaryBlobMlp" => (new TernaryBlobMlp(), TernaryBlobMlp.Spec),
        "FloatBlobMlp" => (new FloatBlobMlp(), FloatBlobMlp.Spec),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static Tensor SampleInput(ModelSpec spec, int batch)
    {
        var shape = global::Qnn.Spec.shapes(spec)[0].Shape.Select(n => (long)n);
        return torch.rand(shape.Prepend(batch).ToArray()) * 100;
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void The_generated_module_is_the_network_Spec_build_builds(string name)
    {
        var (generated, spec) = Create(name);
        using var built = global::Qnn.Spec.build(spec);
        var generatedState = generated.state_dict();
        var builtState = built.state_dict();
        Assert.Equal(builtState.Keys.OrderBy(k => k), generatedState.Keys.OrderBy(k => k));
        foreach (var key in builtState.Keys)
            Assert.Equal(builtState[key].shape, generatedState[key].shape);

        // Same weights and input: same output, in training and in evaluation mode.
        built.load_state_dict(generatedState);
        using var x = SampleInput(spec, 8);
        ((ICalibratedLayer)built.Layers.Head.Item2).Calibrate(x);
        foreach (var m in generated.modules().OfType<ICalibratedLayer>())
            m.Calibrate(x);
        generated.eval();
        built.eval();
        Assert.True(generated.call(x).allclose(built.call(x)), "eval outputs differ");
        generated.Dispose();
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Forward_and_backward_run(string name)
    {
        var (model, spec) = Create(name);
        using var _ = torch.NewDisposeScope();
        model.train();
        var x = SampleInput(spec, 4);
        var logits = model.call(x);
        var outputs = global::Qnn.Spec.shapes(spec)[^1].Shape[0];
        Assert.Equal(new long[] { 4, outputs }, logits.shape);
        var loss = nn.functional.cross_entropy(logits, torch.tensor(new long[] { 0, 1, 2, 1 }));
        loss.backward();
        foreach (var (parameterName, p) in model.named_parameters())
            Assert.True(p.grad is not null, $"{parameterName} has no gradient");
        model.Dispose();
    }
}
