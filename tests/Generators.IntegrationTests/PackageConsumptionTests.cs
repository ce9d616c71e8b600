using System.Diagnostics;
using Xunit;

namespace Qnn.IntegrationTests;

/// <summary>
/// `dotnet pack` yields a Qnn package that a fresh console project consumes from a local folder
/// feed: it declares a model, the generator in the package expands it, the package's build files
/// make TorchSharp's native library load, and it trains.
/// </summary>
public class PackageConsumptionTests
{
    private const string Program = """
        using Qnn;
        using TorchSharp;

        var random = new Random(3);
        var centres = new[] { new[] { -4.0, 0.0, 3.0, 1.0 }, new[] { 4.0, 2.0, -3.0, 0.0 } };
        var labels = Enumerable.Range(0, 400).Select(i => (long)(i % 2)).ToArray();
        var features = labels.SelectMany(c => centres[c].Select(m => (float)(m + random.NextDouble() - 0.5))).ToArray();
        var x = torch.tensor(features).reshape(400, 4);
        var y = torch.tensor(labels);
        var train = new TensorDataset(x[..320], y[..320]);
        var test = new TensorDataset(x[320..], y[320..]);

        torch.manual_seed(1);
        using var model = new PackagedMlp();
        var result = Trainer.Fit(model, Trainer.Configure(TrainConfig.Default, epochs: 5, patience: 0), train, test);
        Console.WriteLine($"features={PackagedMlp.InputFeatures} accuracy={result.Accuracy:F3}");
        return result.Accuracy >= 0.95 ? 0 : 1;

        [QuantizedMlp(Activation = Activation.BinarizeReste)]
        [Input(4, Bits = 8)]
        [Dense(16, Weights = WeightQuant.Binary)]
        [Dense(2, Weights = WeightQuant.Binary)]
        public partial class PackagedMlp;
        """;

    [Fact]
    public void A_fresh_console_project_consumes_the_packed_package()
    {
        var root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "qnn-package-" + Guid.NewGuid().ToString("N")));
        try
        {
            // A version of its own, so the global package folder never serves an older build.
            var version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");
            var feed = Path.Combine(root.FullName, "feed");
            var core = Path.Combine(RepositoryRoot(), "src", "Core.FSharp", "Core.FSharp.fsproj");
            Run("dotnet", $"pack \"{core}\" -c Release -o \"{feed}\" -p:Version={version}", RepositoryRoot());
            Assert.True(File.Exists(Path.Combine(feed, $"Qnn.{version}.nupkg")), "no package was written");

            var app = Directory.CreateDirectory(Path.Combine(root.FullName, "app")).FullName;
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Qnn" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), Program);
            var output = Run("dotnet", "run -c Release", app);
            Assert.Contains("features=4 accuracy=", output);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static string Run(string file, string arguments, string directory)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["MSBuildSDKsPath"] = null;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"{file} {arguments} did not finish");
        var output = stdout.Result + stderr.Result;
        Assert.True(process.ExitCode == 0, $"{file} {arguments} exited {process.ExitCode}:\n{output}");
        return output;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Dsl.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Dsl.sln not found above the test output");
    }
}
