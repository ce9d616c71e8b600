module Qnn.Tests.NativeLoadTests

open Xunit
open TorchSharp

/// The build marks libLibTorchSharp's GLIBCXX_3.4.32 need weak where libstdc++ lacks it; this
/// proves the native library loads here and autograd runs end to end.
[<Fact>]
let ``native library loads and a backward pass runs`` () =
    use x = torch.tensor([| 1.0f; -2.0f; 3.0f |], requires_grad = true)
    use y = (x * x).sum()
    y.backward()
    Assert.Equal<float32[]>([| 2.0f; -4.0f; 6.0f |], x.grad.data<float32>().ToArray())
