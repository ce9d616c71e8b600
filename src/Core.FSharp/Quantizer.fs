namespace Qnn

open System
open TorchSharp
open Qnn.Quantizers

/// Quantized weights as integers and one scale per output channel, like Brevitas's
/// `quant_weight()`: the weights a layer uses in evaluation are `Integers[o, …] · Scales[o]`.
/// `Integers` (a float32 tensor of the weights' shape) holds ±1 for binary weights, −1/0/+1 for
/// ternary and |q| <= `Largest` = 2^(n−1) − 1 for n-bit; `Scales` is 1 for plain binary weights,
/// α = mean|w| for scaled binary, TWN's α for ternary and the step max|w|/Largest for n-bit (0
/// for a ternary or n-bit channel that is all zero). `Bits` is the width the integers are stored
/// at: 1 binary, 2 ternary, n for n-bit. Dispose it to free `Integers`.
[<Sealed>]
type IntegerWeights(integers: torch.Tensor, scales: float32[], largest: int, unscaled: bool, bits: int) =
    member _.Integers = integers
    member _.Scales = scales
    /// The width of one integer: 1 for binary (±1 as one bit), 2 for ternary, n for n-bit.
    member _.Bits = bits
    /// The largest |integer| the quantizer can emit: 1 for binary and ternary, 2^(n−1) − 1 for n-bit.
    member _.Largest = largest
    /// Whether every scale is 1 by construction (plain binary weights).
    member _.Unscaled = unscaled
    interface IDisposable with
        member _.Dispose() = integers.Dispose()

/// A named quantizer, the value layers take as a parameter (like Larq's `kernel_quantizer` and
/// `input_quantizer`). `Apply(x, training)` runs the forward function with its estimator; the
/// stochastic quantizers sample only while training and round deterministically in evaluation,
/// so an evaluated accuracy never depends on a random draw. See `Quantizers` for the formulas.
[<Sealed>]
type Quantizer(name: string, apply: Func<torch.Tensor, bool, torch.Tensor>, integers: Func<torch.Tensor, IntegerWeights> option) =
    new(name, apply) = Quantizer(name, apply, None)
    /// A readable name with the parameters, e.g. `sign_reste(o=3, t=1.5)`.
    member _.Name = name
    member _.Apply(x: torch.Tensor, training: bool) : torch.Tensor = apply.Invoke(x, training)
    /// Whether the quantizer's values are integers times per-channel scales (weight quantizers).
    member _.HasIntegerForm = integers.IsSome
    /// The integer form of the values `Apply(w, false)` gives (see `IntegerWeights`).
    member _.Integers(w: torch.Tensor) : IntegerWeights =
        match integers with
        | Some f -> f.Invoke(w)
        | None -> raise (InvalidOperationException($"{name} has no integer form"))
    override _.ToString() = name

    static member private Of(name, f: torch.Tensor -> bool -> torch.Tensor) = Quantizer(name, Func<_, _, _>(f))

    static member private WithIntegers(name, f: torch.Tensor -> bool -> torch.Tensor, form: torch.Tensor -> torch.Tensor * torch.Tensor, largest: int, unscaled: bool, bits: int) =
        let integers (w: torch.Tensor) =
            let values, scales = form w
            use scales = scales
            new IntegerWeights(values, scales.data<float32>().ToArray(), largest, unscaled, bits)
        Quantizer(name, Func<_, _, _>(f), Some(Func<_, _>(integers)))

    /// Identity: float values, gradient 1.
    static member Identity = Quantizer.Of("identity", fun x _ -> x.alias())

    /// ReLU (not a quantizer, but an activation layers take the same way).
    static member Relu = Quantizer.Of("relu", fun x _ -> torch.nn.functional.relu(x))

    /// Binary weights: sign(w), clipped STE; `scaled` multiplies by α = mean|w| per output
    /// channel (XNOR-Net); `stochastic` samples BinaryNet's stochastic sign while training.
    static member BinaryWeights(?scaled: bool, ?stochastic: bool) =
        let scaled = defaultArg scaled false
        let stochastic = defaultArg stochastic false
        let name = (if scaled then "binary_scaled" else "binary") + (if stochastic then "_stochastic" else "")
        Quantizer.WithIntegers(name, (fun w training -> binaryWeights scaled (stochastic && training) w),
                               binaryWeightIntegers scaled, 1, not scaled, 1)

    /// TWN ternary weights with Δ = deltaFactor·mean|w| (0.7 by default).
    static member TernaryWeights(?deltaFactor: float) =
        let factor = defaultArg deltaFactor 0.7
        Quantizer.WithIntegers($"ternary(delta={factor}·mean|w|)", (fun w _ -> ternaryWeights factor w),
                               ternaryWeightIntegers factor, 1, false, 2)

    /// Symmetric per-output-channel n-bit weights (2..31 bits), STE.
    static member NBitsWeights(bits: int, ?stochastic: bool) =
        if bits < 2 || bits > 31 then
            raise (ArgumentOutOfRangeException(nameof bits, bits, "n-bit weights take 2..31 bits"))
        let stochastic = defaultArg stochastic false
        Quantizer.WithIntegers($"nbits({bits})", (fun w training -> symmetricPerChannel bits (stochastic && training) w),
                               symmetricPerChannelIntegers bits false, symmetricTop bits, false, bits)

    /// sign(x) with the clipped STE (stochastic sign while training if `stochastic`).
    static member Sign(?stochastic: bool) =
        let stochastic = defaultArg stochastic false
        Quantizer.Of((if stochastic then "sign_stochastic" else "sign"),
                     fun x training -> binarizeWith clippedSteGradient (stochastic && training) x)

    /// sign(x) with the ReSTE estimator (o >= 1, threshold > 0).
    static member SignReste(o: float, threshold: float, ?stochastic: bool) =
        if not (o >= 1.0) then raise (ArgumentOutOfRangeException(nameof o, o, "ReSTE needs o >= 1"))
        if not (threshold > 0.0) then
            raise (ArgumentOutOfRangeException(nameof threshold, threshold, "ReSTE needs threshold > 0"))
        let stochastic = defaultArg stochastic false
        Quantizer.Of($"sign_reste(o={o}, t={threshold})",
                     fun x training -> binarizeWith (resteGradient o threshold) (stochastic && training) x)

    /// sign(x) with Bi-Real Net's ApproxSign gradient.
    static member SignApprox(?stochastic: bool) =
        let stochastic = defaultArg stochastic false
        Quantizer.Of("sign_approx", fun x training -> binarizeWith approxSignGradient (stochastic && training) x)

    /// sign(x) with BNN+'s SwishSign gradient (β > 0, 5 by default).
    static member SignSwish(?beta: float, ?stochastic: bool) =
        let beta = defaultArg beta 5.0
        if not (beta > 0.0) then raise (ArgumentOutOfRangeException(nameof beta, beta, "SwishSign needs β > 0"))
        let stochastic = defaultArg stochastic false
        Quantizer.Of($"sign_swish(beta={beta})",
                     fun x training -> binarizeWith (swishSignGradient beta) (stochastic && training) x)

    /// Ternary activation {-1, 0, +1} with the threshold (0.5 by default), clipped STE.
    static member Ternarize(?threshold: float) =
        let threshold = defaultArg threshold 0.5
        Quantizer.Of($"ternarize(t={threshold})", fun x _ -> ternarize threshold x)

    /// DoReFa k-bit activation (1..31 bits).
    static member DoReFa(bits: int) =
        if bits < 1 || bits > 31 then
            raise (ArgumentOutOfRangeException(nameof bits, bits, "DoReFa activations take 1..31 bits"))
        Quantizer.Of($"dorefa({bits})", fun x _ -> doReFaActivation bits x)
