using Qnn.Search.Spaces;
using Xunit;

namespace Qnn.Search.Tests;

/// <summary>Search-space JSON: errors that name the key, built-in spaces, canonical JSON.</summary>
public sealed class SpaceParseTests
{
    /// <summary>The issue's MLP space, verbatim.</summary>
    private const string IssueMlp = """
        { "kind": "mlp",
          "inputBits": {"min": 1, "max": 8}, "featureBits": false,
          "hiddenLayers": {"min": 0, "max": 3}, "units": [6, 7, 8, 12, 16, 24, 32],
          "layerBits": {"min": 1, "max": 8}, "outputBits": {"min": 1, "max": 8},
          "weights": ["Binary", "Ternary", "NBits", "None"],
          "activation": ["None", "Binarize", "BinarizeReste", "Relu"],
          "dropout": [0, 0.1, 0.2] }
        """;

    private static SearchSpaceException Refused(string json) => Assert.Throws<SearchSpaceException>(() => SearchSpace.Parse(json));

    [Theory]
    [InlineData("""{"kind": "mlp", "unit": [8]}""", "unit", "is not a key of a mlp space")]
    [InlineData("""{"kind": "mlp", "channels": [8]}""", "channels", "is not a key of a mlp space")]
    [InlineData("""{"kind": "cnn", "units": [8]}""", "units", "is not a key of a cnn space")]
    [InlineData("""{"kind": "mlp", "units": []}""", "units", "empty choice")]
    [InlineData("""{"kind": "mlp", "weights": []}""", "weights", "empty choice")]
    [InlineData("""{"kind": "mlp", "hiddenLayers": {"min": 3, "max": 1}}""", "hiddenLayers", "min 3 > max 1")]
    [InlineData("""{"kind": "cnn", "convBits": {"min": 5, "max": 4}}""", "convBits", "min 5 > max 4")]
    [InlineData("""{"kind": "mlp", "units": [8, 0]}""", "units", "choice 1 is 0; a model spec takes 1 or more")]
    [InlineData("""{"kind": "mlp", "weights": ["Binary", "Quaternary"]}""", "weights", "choice 1 is \"Quaternary\"")]
    [InlineData("""{"kind": "mlp", "activation": ["Sigmoid"]}""", "activation", "choice 0 is \"Sigmoid\"")]
    [InlineData("""{"kind": "mlp", "layerBits": {"min": 1, "max": 40}}""", "layerBits", "is 1..40; a model spec takes 1..31")]
    [InlineData("""{"kind": "mlp", "inputBits": {"min": 0, "max": 8}}""", "inputBits", "a model spec takes 1..32")]
    [InlineData("""{"kind": "mlp", "dropout": [0, 1]}""", "dropout", "choice 1 is 1; it must be in [0, 1)")]
    [InlineData("""{"kind": "mlp", "units": [8, 8]}""", "units", "offers 8 more than once")]
    [InlineData("""{"kind": "mlp", "units": [8.5]}""", "units", "choice 0 is 8.5; it must be an integer")]
    [InlineData("""{"kind": "mlp", "hiddenLayers": [1, 2]}""", "hiddenLayers", "must be a range")]
    [InlineData("""{"kind": "mlp", "hiddenLayers": {"min": 1}}""", "hiddenLayers", "needs both")]
    [InlineData("""{"kind": "mlp", "hiddenLayers": {"min": 1, "max": 2, "step": 1}}""", "hiddenLayers", "has \"step\"")]
    [InlineData("""{"kind": "mlp", "featureBits": 1}""", "featureBits", "true or false")]
    [InlineData("""{"kind": "cnn", "pool": [0, 2]}""", "pool", "choice 0 is 0")]
    [InlineData("""{"kind": "mlp", "resteO": [0.5]}""", "resteO", "at least 1")]
    [InlineData("""{"kind": "rnn"}""", "kind", "must be \"mlp\" or \"cnn\"")]
    [InlineData("""{"units": [8]}""", "kind", "is missing")]
    [InlineData("""{"kind": "mlp", "units": [8], "units": [16]}""", "units", "appears twice")]
    public void ErrorsNameTheKey(string json, string key, string problem)
    {
        var error = Refused(json);
        Assert.Equal(key, error.Key);
        Assert.Contains($"\"{key}\"", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Theory]
    [InlineData("{\"kind\": ")]
    [InlineData("[1, 2]")]
    public void TextThatIsNoSpaceObject(string json)
    {
        var error = Refused(json);
        Assert.Null(error.Key);
        Assert.Contains("search space", error.Message);
    }

    [Fact]
    public void UnknownBuiltinName()
    {
        var error = Assert.Throws<SearchSpaceException>(() => SearchSpace.Builtin("transformer"));
        Assert.Contains("\"transformer\"", error.Message);
        Assert.Contains("mlp and cnn", error.Message);
    }

    [Fact]
    public void BuiltinMlpIsTheIssueSpace()
    {
        var builtin = SearchSpace.Builtin("mlp");
        Assert.Equal("mlp", builtin.Kind);
        Assert.Equal(SearchSpace.Parse(IssueMlp).Json, builtin.Json);
        Assert.Equal(builtin.Json, SearchSpace.Parse("""{"kind": "mlp"}""").Json);
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void CanonicalJsonReadsBackToItself(string name)
    {
        var builtin = SearchSpace.Builtin(name);
        var again = SearchSpace.Parse(builtin.Json);
        Assert.Equal(builtin.Json, again.Json);
        Assert.Equal(builtin.Domains, again.Domains);
    }

    [Fact]
    public void BuiltinCnnHasTheIssueKeys()
    {
        var json = SearchSpace.Builtin("cnn").Json;
        foreach (var fragment in new[]
                 {
                     "\"convLayers\": {\n    \"min\": 1,\n    \"max\": 4", "\"channels\": [\n    16,\n    24,\n    32,\n    64,\n    128",
                     "\"stride\": {\n    \"min\": 1,\n    \"max\": 2", "\"pool\": [\n    1,\n    2", "\"convBits\": {\n    \"min\": 1,\n    \"max\": 8",
                     "\"fcLayers\": {\n    \"min\": 0,\n    \"max\": 2", "\"fcUnits\": [\n    8,\n    16,\n    32,\n    64,\n    128",
                 })
            Assert.Contains(fragment, json.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("\"units\"", json);
    }

    [Fact]
    public void NamesAreCaseInsensitiveAndCanonicalInTheJson()
    {
        var space = SearchSpace.Parse("""{"kind": "mlp", "weights": ["scaledbinary", "nbits"], "activation": ["ternarize"]}""");
        Assert.Contains("\"ScaledBinary\"", space.Json);
        Assert.Contains("\"NBits\"", space.Json);
        Assert.Contains("\"Ternarize\"", space.Json);
    }
}
