using Xunit;
using Qnn.Engine.Format;
using static Qnn.Engine.Tests.QnnxBytes;

namespace Qnn.Engine.Tests;

/// <summary>The sizes the format states (QnnxSizes, which the search's bytes cost uses) are the
/// writer's: for models holding every layer kind and every output form.</summary>
public class QnnxSizesTests
{
    private static readonly string[] Names = { "binary MLP", "CNN", "ternary first", "n-bit first", "general MLP", "old kernels, new outputs", "general CNN" };

    public static TheoryData<string> Models => new(Names);

    private static EngineModel Model(string name) => name switch
    {
        "binary MLP" => QnnxTestModels.BinaryMlp(),
        "CNN" => QnnxTestModels.Cnn(),
        "ternary first" => QnnxTestModels.Integer(ternaryFirst: true),
        "n-bit first" => QnnxTestModels.Integer(ternaryFirst: false),
        "general MLP" => QnnxTestModels.GeneralMlp(),
        "old kernels, new outputs" => QnnxTestModels.KernelsWithNewOutputs(),
        _ => QnnxTestModels.GeneralCnn(),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void The_stated_size_of_a_model_is_its_file_length(string name)
    {
        var model = Model(name);
        Assert.Equal(Of(model).Length, QnnxSizes.Of(model));
    }

    [Fact]
    public void The_models_hold_every_kind_and_output_form()
    {
        var layers = Names.SelectMany(n => Model(n).Layers).ToList();
        var kinds = layers.Select(l => l.GetType().Name).Distinct().Order();
        Assert.Equal(new[] { "BinaryConvLayer", "BinaryDenseLayer", "FloatDenseLayer", "GeneralConvLayer", "GeneralDenseLayer", "IntegerDenseLayer", "MaxPoolLayer", "ValueMaxPoolLayer" }, kinds);
        var outputs = layers.Select(l => l switch
        {
            BinaryDenseLayer d => d.Output.Form, IntegerDenseLayer d => d.Output.Form, GeneralDenseLayer d => d.Output.Form,
            BinaryConvLayer c => c.Output.Form, GeneralConvLayer c => c.Output.Form, _ => (OutputForm?)null,
        }).OfType<OutputForm>().Distinct().Order();
        Assert.Equal(new[] { OutputForm.Signs, OutputForm.Logits, OutputForm.Levels, OutputForm.Activated }, outputs);
    }
}
