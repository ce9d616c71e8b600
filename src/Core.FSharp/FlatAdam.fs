namespace Qnn

open System
open TorchSharp

/// Adam (Kingma & Ba 2015) with L2 weight decay, as torch.optim.Adam computes it, over one flat
/// buffer: every parameter is re-seated as a view into it, so a step is seven tensor operations
/// however many parameters there are (TorchSharp's Adam spends about seven per parameter, which
/// dominates a small model's step). m and v are flat too; gradients are gathered with one cat.
/// Update: g += wd·θ; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
/// θ -= lr·√(1-β2^t)/(1-β1^t) · m / (√v + ε·√(1-β2^t)).
/// The flat buffers live on the parameters' device: build it after moving the model.
type FlatAdam(parameters: Modules.Parameter[], learningRate: float, weightDecay: float, ?beta1: float, ?beta2: float, ?epsilon: float) =
    let beta1 = defaultArg beta1 0.9
    let beta2 = defaultArg beta2 0.999
    let epsilon = defaultArg epsilon 1e-8
    let sizes = parameters |> Array.map (fun p -> p.numel())
    let total = Array.sum sizes
    let flat, first, second =
        use _ = torch.no_grad()
        let dtype = if parameters.Length = 0 then torch.ScalarType.Float32 else parameters.[0].dtype
        let device = if parameters.Length = 0 then torch.CPU else parameters.[0].device
        let flat = torch.zeros(total, dtype = dtype, device = device).DetachFromDisposeScope()
        let mutable offset = 0L
        for p, size in Array.zip parameters sizes do
            let view = flat.narrow(0, offset, size).view(p.shape)
            view.copy_(p) |> ignore
            p.set_(view) |> ignore
            offset <- offset + size
        flat, torch.zeros_like(flat).DetachFromDisposeScope(), torch.zeros_like(flat).DetachFromDisposeScope()
    let mutable step = 0
    let mutable rate = learningRate

    /// The learning rate of the next step (a schedule sets it per epoch).
    member _.LearningRate
        with get () = rate
        and set value = rate <- value

    /// One Adam step from the parameters' current gradients (a missing gradient counts as 0).
    member _.Step() =
        step <- step + 1
        use _ = torch.no_grad()
        use _ = torch.NewDisposeScope()
        let gradients =
            parameters
            |> Array.map (fun p -> if isNull p.grad then torch.zeros(p.numel(), dtype = p.dtype, device = p.device) else p.grad.reshape(-1L))
        let g = torch.cat(gradients, 0L)
        if weightDecay <> 0.0 then g.add_(flat, weightDecay.ToScalar()) |> ignore
        first.mul_(beta1.ToScalar()).add_(g, (1.0 - beta1).ToScalar()) |> ignore
        second.mul_(beta2.ToScalar()).addcmul_(g, g, (1.0 - beta2).ToScalar()) |> ignore
        let correction1 = 1.0 - Math.Pow(beta1, float step)
        let correction2 = Math.Sqrt(1.0 - Math.Pow(beta2, float step))
        let denominator = second.sqrt().add_((epsilon * correction2).ToScalar())
        flat.addcdiv_(first, denominator, (-rate * correction2 / correction1).ToScalar()) |> ignore

    interface IDisposable with
        member _.Dispose() =
            // The parameters' views keep the flat storage alive; only this handle goes.
            flat.Dispose()
            first.Dispose()
            second.Dispose()
