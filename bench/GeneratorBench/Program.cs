// Times Qnn's generator in process over a compilation of N models: a full run (fresh driver, as a
// clean build), an incremental run after an unrelated edit (as the IDE and a warm compiler server
// see it), and the compile of the generated code. Usage: dotnet run -c Release -- [models] [repeats]
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Qnn.Generators;

var models = args.Length > 0 ? int.Parse(args[0]) : 50;
var repeats = args.Length > 1 ? int.Parse(args[1]) : 20;

var source = new System.Text.StringBuilder("using Qnn;\nnamespace Bench;\n");
for (var i = 1; i <= models; i++)
{
    source.Append(i % 2 == 1
        ? $"[QuantizedMlp(Activation = Activation.BinarizeReste)]\n[Input(6, Bits = 16)]\n[Dense({16 + i}, Weights = WeightQuant.Binary)]\n[Dense(32, Weights = WeightQuant.Ternary)]\n[Dense(3, Weights = WeightQuant.Binary)]\npublic partial class Mlp{i};\n"
        : $"[QuantizedCnn(Activation = Activation.Binarize, Dropout = 0.1)]\n[ImageInput(Channels = 1, Height = 28, Width = 28, Bits = 8)]\n[Conv({8 + i}, Kernel = 3, Padding = 1, Weights = WeightQuant.Binary)]\n[Conv(32, Kernel = 3, Padding = 1, Pool = 2, Weights = WeightQuant.Binary)]\n[Dense(32, Weights = WeightQuant.Binary, Activation = Activation.BinarizeReste)]\n[Dense(10)]\npublic partial class Cnn{i};\n");
}
var references = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
    .Concat(new[] { typeof(Qnn.QuantizedMlpAttribute).Assembly.Location, typeof(Qnn.WeightQuant).Assembly.Location, typeof(TorchSharp.torch).Assembly.Location,
                    typeof(Microsoft.FSharp.Core.FSharpOption<>).Assembly.Location }.Select(p => MetadataReference.CreateFromFile(p)))
    .ToArray();
var parse = new CSharpParseOptions(LanguageVersion.Latest);
var compilation = CSharpCompilation.Create("Bench",
    new[] { CSharpSyntaxTree.ParseText(source.ToString(), parse, "Models.cs"), CSharpSyntaxTree.ParseText("class Other { int A() => 1; }", parse, "Other.cs") },
    references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create(new[] { new QnnGenerator().AsSourceGenerator() }, parseOptions: parse);

double Median(List<double> xs) { xs.Sort(); return xs[xs.Count / 2]; }
double Time(Action action) { var clock = Stopwatch.StartNew(); action(); return clock.Elapsed.TotalMilliseconds; }

var coldDriver = NewDriver();
var cold = Time(() => coldDriver = coldDriver.RunGenerators(compilation));
var full = new List<double>();
var incremental = new List<double>();
Compilation? output = null;
for (var r = 0; r < repeats; r++)
{
    var driver = NewDriver();
    full.Add(Time(() => driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out output, out _)));
    var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees[1], CSharpSyntaxTree.ParseText($"class Other {{ int A() => {r}; }}", parse, "Other.cs"));
    incremental.Add(Time(() => driver.RunGenerators(edited)));
}
var errors = output!.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
var bindWith = Median(Enumerable.Range(0, 5).Select(_ => Time(() => output!.RemoveAllSyntaxTrees().AddSyntaxTrees(output.SyntaxTrees).GetDiagnostics())).ToList());
var bindWithout = Median(Enumerable.Range(0, 5).Select(_ => Time(() => compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees).GetDiagnostics())).ToList());
Console.WriteLine($"models {models}, repeats {repeats}, generated files {output.SyntaxTrees.Count() - 2}, compile errors {errors}");
Console.WriteLine($"first run in a fresh process (JIT included): {cold:F0} ms");
Console.WriteLine($"full generation, warm:                     {Median(full):F1} ms (median)");
Console.WriteLine($"after an unrelated edit, warm:             {Median(incremental):F2} ms (median)");
Console.WriteLine($"binding the project without / with generated code: {bindWithout:F0} / {bindWith:F0} ms");
