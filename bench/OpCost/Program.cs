// Per-operation cost of TorchSharp on small tensors, and of the pieces of a training step, to see
// where an epoch's time goes. Usage: dotnet run -c Release -- [threads]
using System.Diagnostics;
using Qnn;
using TorchSharp;

torch.set_num_threads(args.Length > 0 ? int.Parse(args[0]) : 2);
var x = torch.randn(32, 32, requires_grad: true);
double Micro(string name, Action step, int n = 20000)
{
    for (var i = 0; i < 1000; i++) { using var _ = torch.NewDisposeScope(); step(); }
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < n; i++) { using var _ = torch.NewDisposeScope(); step(); }
    var us = clock.Elapsed.TotalMicroseconds / n;
    Console.WriteLine($"{name,-44} {us,8:F2} µs");
    return us;
}
Micro("empty dispose scope", () => { });
var leaf = torch.randn(32, 32, requires_grad: true);
Micro("custom identity function fwd+bwd", () => { var y = IdentityFunction.apply(leaf); y.sum().backward(); });
Micro("plain alias fwd+bwd", () => { var y = leaf.alias() * 1.0; y.sum().backward(); });
Micro("x.mul(2.0)", () => x.mul(2.0));
var two = (2.0).ToScalar();
Micro("x.mul(cached scalar)", () => x.mul(two));
var plain = torch.randn(32, 32);
Micro("plain.mul(cached scalar) (no grad)", () => plain.mul(two));
Micro("plain.mul_(cached scalar) in place", () => plain.mul_(two));
Micro("x.detach()", () => x.detach());
Micro("x.ge(0)", () => x.ge(0.0));
Micro("Quantizers.sign", () => Quantizers.sign(x));
Micro("Quantizers.binarize (sign, clipped STE)", () => Quantizers.binarize(x));
Micro("ReSTE binarize", () => Quantizers.binarizeWith(Microsoft.FSharp.Core.FuncConvert.FromFunc<torch.Tensor, torch.Tensor>(t => Quantizers.resteGradient(3, 1.5, t)), false, x));
Micro("binary weights", () => Quantizers.binaryWeights(false, false, x));
var identity = new QuantActivation(Quantizer.Identity);
Micro("identity module .call", () => identity.call(x));
Micro("identity module .forward", () => identity.forward(x));
var bnInput = torch.randn(32, 32);
var bn = torch.nn.BatchNorm1d(32);
bn.train();
Micro("BatchNorm1d module (train)", () => bn.call(bnInput));
var rm = torch.zeros(32); var rv = torch.ones(32); var w = torch.ones(32, requires_grad: true); var b = torch.zeros(32, requires_grad: true);
Micro("functional.batch_norm (train)", () => torch.nn.functional.batch_norm(bnInput, rm, rv, w, b, true, 0.1, 1e-5));
Micro("no_grad scope", () => { using var g = torch.no_grad(); });
var spec = VertebralMlpSpec();
torch.manual_seed(1);
var model = Spec.build(spec);
var data = torch.randn(32, 6);
var labels = torch.randint(0, 3, new long[] { 32 }, dtype: torch.ScalarType.Int64);
var adam = torch.optim.Adam(model.parameters(), 0.01, weight_decay: 1e-4);
model.train();
foreach (var (name, layer) in model.Layers)
{
    var input = data;
    foreach (var (n2, l2) in model.Layers) { if (n2 == name) break; input = l2.call(input).detach(); }
    var captured = input.requires_grad_(false);
    Micro($"  layer {name} ({layer.GetType().Name})", () => layer.call(captured), 5000);
}
Micro("VertebralMlp forward (batch 32)", () => model.call(data), 5000);
Micro("forward + loss + backward", () => { adam.zero_grad(); torch.nn.functional.cross_entropy(model.call(data), labels).backward(); }, 5000);
Micro("… + Adam step", () => { adam.zero_grad(); torch.nn.functional.cross_entropy(model.call(data), labels).backward(); adam.step(); }, 5000);
Micro("Adam step alone", () => adam.step(), 5000);

static ModelSpec VertebralMlpSpec()
{
    var binary = SpecDefaults.Weights(WeightQuant.Binary);
    var s = SpecDefaults.Model("VertebralMlp", ModelKind.Mlp, InputSpec.NewFeatures(new FeatureInputSpec(6, 16, null)),
        new[] { SpecDefaults.Dense(32, binary), SpecDefaults.Dense(32, binary), SpecDefaults.Dense(3, binary) });
    return new ModelSpec(s.Name, s.Kind, s.Input, s.Layers, Activation.BinarizeReste, s.ActivationBits, s.QMode, s.Dropout, s.ResteO, s.ResteThreshold, s.SwishBeta, s.TernaryThreshold);
}

sealed class IdentityFunction : torch.autograd.SingleTensorFunction<IdentityFunction>
{
    public override string Name => "IdentityFunction";
    public override torch.Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars) => ((torch.Tensor)vars[0]).alias();
    public override List<torch.Tensor> backward(torch.autograd.AutogradContext ctx, torch.Tensor grad_output) => new() { grad_output };
}
