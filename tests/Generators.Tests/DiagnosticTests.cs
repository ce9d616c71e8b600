extern alias generator;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Qnn.Generators.Tests;

/// <summary>One test per diagnostic code: its id, severity, location (line and column of the
/// attribute or argument at fault) and message. A model with an error generates no source.</summary>
public class DiagnosticTests
{
    private const string Header = "using Qnn;\n\nnamespace Demo;\n\n";

    /// <summary>Runs the generator and returns the single diagnostic with <paramref name="id"/>.</summary>
    private static Diagnostic Single(string declaration, string id, out GeneratorRun run)
    {
        run = GeneratorHarness.Run(Header + declaration);
        var matching = run.Diagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1, $"expected one {id}, got: {string.Join("; ", run.Diagnostics)}");
        return matching[0];
    }

    /// <summary>Asserts the diagnostic starts where <paramref name="at"/> first occurs in the declaration.</summary>
    private static void AssertAt(Diagnostic diagnostic, string declaration, string at)
    {
        var text = Header + declaration;
        var offset = text.IndexOf(at, StringComparison.Ordinal);
        Assert.True(offset >= 0, $"'{at}' is not in the source");
        var before = text.Substring(0, offset);
        var line = before.Count(c => c == '\n');
        var column = offset - (before.LastIndexOf('\n') + 1);
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal(GeneratorHarness.FileName, span.Path);
        Assert.Equal((line, column), (span.StartLinePosition.Line, span.StartLinePosition.Character));
    }

    private static void AssertError(string declaration, string id, string at, string message)
    {
        var diagnostic = Single(declaration, id, out var run);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        AssertAt(diagnostic, declaration, at);
        Assert.Equal(message, diagnostic.GetMessage());
        Assert.Empty(run.Sources);
        Assert.Empty(run.CompilationErrors);
    }

    private static void AssertWarning(string declaration, string id, string at, string message)
    {
        var diagnostic = Single(declaration, id, out var run);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        AssertAt(diagnostic, declaration, at);
        Assert.Equal(message, diagnostic.GetMessage());
        Assert.Single(run.Sources);
        Assert.Empty(run.CompilationErrors);
    }

    [Fact]
    public void QNN001_model_class_not_partial() => AssertError("""
        [QuantizedMlp]
        [Input(4)]
        [Dense(2)]
        public class Tiny;
        """, "QNN001", "Tiny", "type Tiny must be declared partial, so the generator can add the members of model class Tiny");

    [Fact]
    public void QNN001_containing_type_not_partial() => AssertError("""
        public class Outer
        {
            [QuantizedMlp]
            [Input(4)]
            [Dense(2)]
            public partial class Tiny;
        }
        """, "QNN001", "Outer", "type Outer must be declared partial, so the generator can add the members of model class Tiny");

    [Fact]
    public void QNN002_wrong_input_kind() => AssertError("""
        [QuantizedMlp]
        [ImageInput(Height = 4, Width = 4)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN002", "ImageInput", "model Tiny has [ImageInput]; it needs exactly one [Input(features)], the input of an MLP");

    [Fact]
    public void QNN002_two_inputs() => AssertError("""
        [QuantizedMlp]
        [Input(4)]
        [Input(5)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN002", "Input(5)", "model Tiny has 2 [Input] attributes; it needs exactly one [Input]");

    [Fact]
    public void QNN002_two_model_attributes() => AssertError("""
        [QuantizedMlp]
        [QuantizedCnn]
        [Input(4)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN002", "QuantizedCnn", "model Tiny has [QuantizedMlp] and [QuantizedCnn]; it needs exactly one model attribute");

    [Fact]
    public void QNN003_conv_after_dense() => AssertError("""
        [QuantizedCnn]
        [ImageInput(Height = 8, Width = 8)]
        [Dense(4)]
        [Conv(4)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN003", "Conv(4)", "Conv conv2 comes after a Dense layer; a model needs a Dense output layer, and Conv blocks only in a [QuantizedCnn], before any Dense");

    [Fact]
    public void QNN004_negative_kernel_points_at_the_argument() => AssertError("""
        [QuantizedCnn]
        [ImageInput(Height = 8, Width = 8)]
        [Conv(4, Kernel = -3)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN004", "Kernel = -3", "Conv conv1 kernel is -3; it must be positive");

    [Fact]
    public void QNN005_nbits_without_bits() => AssertError("""
        [QuantizedMlp]
        [Input(4)]
        [Dense(8, Weights = WeightQuant.NBits)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN005", "Weights = WeightQuant.NBits", "Dense fc1 has NBits weights without Bits; NBits weights take 2..31 bits");

    [Fact]
    public void QNN015_bits_on_binary_weights_is_a_warning() => AssertWarning("""
        [QuantizedMlp]
        [Input(4)]
        [Dense(8, Weights = WeightQuant.Binary, Bits = 4)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN015", "Bits = 4", "Dense fc1 sets Bits = 4 on Binary weights; Bits applies only to NBits and is ignored");

    [Fact]
    public void QNN006_feature_bits_length() => AssertError("""
        [QuantizedMlp]
        [Input(4, FeatureBits = new[] { 8, 8 })]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN006", "FeatureBits = new[] { 8, 8 }", "FeatureBits has 2 entries for 4 input features; FeatureBits needs one width of 1..32 bits per input feature");

    [Fact]
    public void QNN007_dropout() => AssertError("""
        [QuantizedMlp(Dropout = 1.0)]
        [Input(4)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN007", "Dropout = 1.0", "Dropout is 1; it must be in [0, 1)");

    [Fact]
    public void QNN008_reste_o() => AssertError("""
        [QuantizedMlp(Activation = Activation.BinarizeReste, ResteO = 0.5)]
        [Input(4)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN008", "ResteO = 0.5", "ResteO is 0.5; ReSTE needs o >= 1 and threshold > 0");

    [Fact]
    public void QNN009_conv_output_empty() => AssertError("""
        [QuantizedCnn]
        [ImageInput(Height = 4, Width = 4)]
        [Conv(8, Kernel = 3)]
        [Conv(8, Kernel = 3, Pool = 3)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN009", "Conv(8, Kernel = 3, Pool = 3)",
        "Conv conv2 outputs 0×0 from a 2×2 input (kernel 3, stride 1, padding 0, dilation 1, pool 3); a conv block's output must not be empty");

    [Fact]
    public void QNN010_groups() => AssertError("""
        [QuantizedCnn]
        [ImageInput(Channels = 3, Height = 8, Width = 8)]
        [Conv(8, Groups = 2)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN010", "Groups = 2", "Conv conv1 has Groups = 2, which does not divide its 3 input and 8 output channels");

    [Fact]
    public void QNN011_generic_class() => AssertError("""
        [QuantizedMlp]
        [Input(4)]
        [Dense(2)]
        public partial class Tiny<T>;
        """, "QNN011", "Tiny", "model class Tiny is generic; a model class cannot be generic, nested in a generic type, or declare a base class");

    [Fact]
    public void QNN011_base_class() => AssertError("""
        public class Base;

        [QuantizedMlp]
        [Input(4)]
        [Dense(2)]
        public partial class Tiny : Base;
        """, "QNN011", "Tiny", "model class Tiny declares a base class; a model class cannot be generic, nested in a generic type, or declare a base class");

    [Fact]
    public void QNN012_activation_on_output_layer_is_a_warning() => AssertWarning("""
        [QuantizedMlp]
        [Input(4)]
        [Dense(2, Activation = Activation.Binarize)]
        public partial class Tiny;
        """, "QNN012", "Activation = Activation.Binarize", "Dense fc1 is the output layer; its Activation = Binarize is ignored (outputs are logits)");

    [Fact]
    public void QNN013_activation_bits_out_of_range() => AssertError("""
        [QuantizedMlp(Activation = Activation.NBits, ActivationBits = 4)]
        [Input(4)]
        [Dense(8, ActivationBits = 40)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN013", "ActivationBits = 40", "Dense fc1 has ActivationBits = 40; NBits activations take 1..31 bits");

    [Fact]
    public void QNN014_dense_output_beyond_the_activation_limit() => AssertError("""
        [QuantizedMlp]
        [Input(784)]
        [Dense(1_000_000_000)]
        [Dense(10)]
        public partial class Huge;
        """, "QNN014", "1_000_000_000", "the value count per sample of Dense fc1's output is 1000000000; it must be at most 268435456");

    [Fact]
    public void QNN014_parameter_total_is_exact_and_at_the_class() => AssertError("""
        [QuantizedMlp]
        [Input(65536)]
        [Dense(65536)]
        [Dense(10)]
        public partial class Wide;
        """, "QNN014", "Wide", "the parameter count of model Wide (weights and BatchNorm) is 4295753748; it must be at most 2147483647");

    [Fact]
    public void QNN014_conv_stage_beyond_a_long_is_counted_exactly() => AssertError("""
        [QuantizedCnn]
        [ImageInput(Height = 4, Width = 4)]
        [Conv(4, Kernel = 1, Padding = 2_000_000_000, Pool = 2_147_483_647)]
        [Dense(10)]
        public partial class Padded;
        """, "QNN014", "Conv(4",
        "the value count per sample of Conv conv1's convolution (4×4000000004×4000000004) is 64000000128000000064; it must be at most 268435456");

    [Fact]
    public void QNN014_long_name() => AssertError($$"""
        [QuantizedMlp]
        [Input(4)]
        [Dense(2)]
        public partial class {{new string('N', 257)}};
        """, "QNN014", "NNN", "the model name's length is 257; it must be at most 256");

    [Fact]
    public void QNN004_zero_groups_is_reported_not_a_crash() => AssertError("""
        [QuantizedCnn]
        [ImageInput(Height = 8, Width = 8)]
        [Conv(4, Groups = 0)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN004", "Groups = 0", "Conv conv1 groups is 0; it must be positive");

    [Fact]
    public void QNN008_infinite_reste_o() => AssertError("""
        [QuantizedMlp(Activation = Activation.BinarizeReste, ResteO = double.PositiveInfinity)]
        [Input(4)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN008", "ResteO = double.PositiveInfinity", "ResteO is Infinity; ReSTE needs o >= 1 and threshold > 0");

    [Fact]
    public void QNN017_nan_threshold() => AssertError("""
        [QuantizedMlp(TernaryThreshold = double.NaN)]
        [Input(4)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN017", "TernaryThreshold = double.NaN", "TernaryThreshold is NaN; Ternarize needs it > 0");

    [Fact]
    public void QNN016_activation_bits_without_nbits() => AssertError("""
        [QuantizedMlp(Activation = Activation.Binarize)]
        [Input(4)]
        [Dense(8, ActivationBits = 4)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN016", "ActivationBits = 4", "Dense fc1 has ActivationBits with Activation = Binarize; ActivationBits and Activation.NBits go together");

    [Fact]
    public void QNN016_nbits_without_activation_bits_points_at_the_activation() => AssertError("""
        [QuantizedMlp(Activation = Activation.NBits)]
        [Input(4)]
        [Dense(8)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN016", "Activation = Activation.NBits", "the model has Activation.NBits without ActivationBits; ActivationBits and Activation.NBits go together");

    [Fact]
    public void QNN017_swish_beta() => AssertError("""
        [QuantizedMlp(Activation = Activation.BinarizeSwish, SwishBeta = -1.5)]
        [Input(4)]
        [Dense(2)]
        public partial class Tiny;
        """, "QNN017", "SwishBeta = -1.5", "SwishBeta is -1.5; BinarizeSwish needs it > 0");

    [Fact]
    public void Every_descriptor_has_a_docs_page_and_an_explicit_severity()
    {
        var docs = Path.Combine(RepositoryRoot(), "docs", "diagnostics");
        foreach (var descriptor in generator::Qnn.Generators.Diagnostics.DiagnosticDescriptors.All)
        {
            Assert.Equal($"docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri);
            Assert.True(File.Exists(Path.Combine(docs, descriptor.Id + ".md")), $"{descriptor.Id} has no page");
            Assert.Equal(descriptor.Id is "QNN012" or "QNN015" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, descriptor.DefaultSeverity);
            Assert.NotEqual("{0}", descriptor.MessageFormat.ToString());
        }
        Assert.Equal(Enumerable.Range(1, 17).Select(n => $"QNN{n:000}"), generator::Qnn.Generators.Diagnostics.DiagnosticDescriptors.All.Select(d => d.Id));
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Dsl.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Dsl.sln not found above the test output");
    }
}
