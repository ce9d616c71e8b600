using ApprovalTests;
using ApprovalTests.Namers;
using ApprovalTests.Reporters;
using Xunit;

namespace Qnn.Generators.Tests;

/// <summary>
/// The generated source of representative models against approved files in Snapshots/. A missing
/// or different approved file fails the test and leaves a .received.txt beside it to review.
/// </summary>
[UseReporter(typeof(QuietReporter))]
[UseApprovalSubdirectory("Snapshots")]
public class SnapshotTests
{
    private static void VerifyGenerated(string declaration)
    {
        var run = GeneratorHarness.Run("using Qnn;\n\nnamespace Demo;\n\n" + declaration);
        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompilationErrors);
        Approvals.Verify(Assert.Single(run.Sources).SourceText.ToString());
    }

    [Fact]
    public void VertebralMlp() => VerifyGenerated(SnapshotDeclarations.VertebralMlp);

    [Fact]
    public void MiniMnistCnn() => VerifyGenerated(SnapshotDeclarations.MiniMnistCnn);

    [Fact]
    public void NBitsMlpWithPerFeatureInputBits() => VerifyGenerated(SnapshotDeclarations.NBitsMlpWithPerFeatureInputBits);

    [Fact]
    public void TernaryMlp() => VerifyGenerated(SnapshotDeclarations.TernaryMlp);

    [Fact]
    public void CnnWithStrideDilationAndGroups() => VerifyGenerated(SnapshotDeclarations.CnnWithStrideDilationAndGroups);

    [Fact]
    public void DownscaledCnn() => VerifyGenerated(SnapshotDeclarations.DownscaledCnn);

    [Fact]
    public void FloatBaseline() => VerifyGenerated(SnapshotDeclarations.FloatBaseline);
}
