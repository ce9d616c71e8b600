/// Quantizers as pure functions over tensors. Each gives its forward value and the gradient
/// that training back-propagates through it (the estimator); the formulas are in the comments.
/// Sign functions map 0 to +1, as Larq and Brevitas do (torch.sign(0) would be 0).
module Qnn.Quantizers

open TorchSharp
type Tensor = torch.Tensor

// ---------------------------------------------------------------------------------------------
// Estimator plumbing
//
// Values and gradients are computed from x.detach() with in-place ops on fresh temporaries: no
// autograd nodes are recorded for them and activation-sized buffers are allocated once, not per
// operation (this halved MiniMnistCnn's epoch time).

/// Whether autograd will want a gradient for x here (not in evaluation under no_grad).
let private tracked (x: Tensor) = x.requires_grad && torch.is_grad_enabled()

/// Forwards `value` exactly and back-propagates `gradient` (elementwise) to `x`:
/// value + (x - x.detach()) · gradient. The second term is exactly 0 forward, and its derivative
/// with respect to x is `gradient`. Any elementwise surrogate gradient is written this way, in
/// plain libtorch ops. `value` and `gradient` must not require grad (compute them from
/// x.detach()); without autograd in play the value is returned as it is.
let withGradient (x: Tensor) (value: Tensor) (gradient: Tensor) : Tensor =
    if not (tracked x) then value
    else (x - x.detach()).mul_(gradient).add_(value)

/// Straight-through estimator: forwards `value` exactly, gradient 1 (identity) to `x`.
let withIdentityGradient (x: Tensor) (value: Tensor) : Tensor =
    if not (tracked x) then value
    else (x - x.detach()).add_(value)

/// 1 where |x| <= limit, else 0, in x's dtype.
let private inside (limit: float) (x: Tensor) : Tensor = x.abs().le_(limit.ToScalar())

// ---------------------------------------------------------------------------------------------
// Gradient estimators (each returns d/dx as a tensor shaped like x; give them x.detach())

/// STE: gradient 1 everywhere (Bengio et al. 2013).
let steGradient (x: Tensor) : Tensor = torch.ones_like(x)

/// Clipped STE: gradient 1 where |x| <= 1, else 0 (Hubara et al., BinaryNet 2016).
let clippedSteGradient (x: Tensor) : Tensor = inside 1.0 x

/// ReSTE (Wu et al., ICCV 2023), o >= 1, threshold t > 0:
/// d/dx = (1/o)·|x|^((1-o)/o) for 0.1 < |x| <= t; the constant 0.1^(1/o)/0.1 for |x| <= 0.1
/// (the secant slope, which keeps the power law's pole at 0 finite); 0 for |x| > t.
let resteGradient (o: float) (threshold: float) (x: Tensor) : Tensor =
    let magnitude = x.abs()
    // Evaluated on max(|x|, 0.1) so the power never sees 0; those entries take the constant.
    let shaped = magnitude.clamp_min((0.1).ToScalar()).pow_(((1.0 - o) / o).ToScalar()).mul_((1.0 / o).ToScalar())
    let nearZero = System.Math.Pow(0.1, 1.0 / o) / 0.1
    shaped.masked_fill_(magnitude.Le(0.1), nearZero.ToScalar()).masked_fill_(magnitude.Gt(threshold), (0.0).ToScalar())

/// ApproxSign (Liu et al., Bi-Real Net 2018): gradient 2 - 2|x| for |x| <= 1, else 0.
let approxSignGradient (x: Tensor) : Tensor =
    x.abs().mul_((-2.0).ToScalar()).add_((2.0).ToScalar()).clamp_min_((0.0).ToScalar())

/// SwishSign (Darabi et al., BNN+ 2018), β > 0:
/// gradient β(2 - βx·tanh(βx/2)) / (1 + cosh(βx)).
let swishSignGradient (beta: float) (x: Tensor) : Tensor =
    let bx = x * beta
    let numerator = (bx / 2.0).tanh_().mul_(bx).neg_().add_((2.0).ToScalar()).mul_(beta.ToScalar())
    numerator.div_(bx.cosh_().add_((1.0).ToScalar()))

// ---------------------------------------------------------------------------------------------
// Forward functions (no gradient of their own)

/// ±1 as 0-dimensional float32 tensors, made once and kept out of every dispose scope, so that
/// sign is two operations (compare, select) instead of four. CPU only: other devices take the
/// arithmetic path, so no CPU tensor meets a CUDA one.
let private plusOne = lazy (torch.tensor(1.0f).DetachFromDisposeScope())
let private minusOne = lazy (torch.tensor(-1.0f).DetachFromDisposeScope())

/// sign(x) with sign(0) = +1: +1 where x >= 0, else -1.
let sign (x: Tensor) : Tensor =
    if x.dtype = torch.ScalarType.Float32 && x.device_type = DeviceType.CPU then
        torch.where(x.Ge(0.0), plusOne.Force(), minusOne.Force())
    else
        x.Ge(0.0).to_type(x.dtype).mul_((2.0).ToScalar()).sub_((1.0).ToScalar())

/// hard_sigmoid(x) = clip((x + 1)/2, 0, 1).
let hardSigmoid (x: Tensor) : Tensor = ((x + 1.0) / 2.0).ClampTo(0.0, 1.0)

/// BinaryNet's stochastic sign: +1 with probability hard_sigmoid(x), else -1. Its mean is
/// 2·hard_sigmoid(x) - 1. Draws from torch's global generator (seed with torch.manual_seed).
let stochasticSign (x: Tensor) : Tensor =
    torch.rand_like(x).lt(hardSigmoid x).to_type(x.dtype).mul_((2.0).ToScalar()).sub_((1.0).ToScalar())

/// Ternary step: +1 where x > threshold, -1 where x < -threshold, else 0.
let ternaryStep (threshold: float) (x: Tensor) : Tensor =
    x.Gt(threshold).to_type(x.dtype).sub_(x.Lt(-threshold).to_type(x.dtype))

/// Rounds to the nearest integer, or stochastically (floor(v + u), u ~ U[0, 1), so that the
/// expected value is v) when `stochastic`.
let roundTo (stochastic: bool) (v: Tensor) : Tensor =
    if stochastic then (v + torch.rand_like(v)).floor_() else v.round()

// ---------------------------------------------------------------------------------------------
// Binarization and ternarization of activations

/// Deterministic sign with the clipped STE: forward sign(x), gradient 1_{|x| <= 1}.
let binarize (x: Tensor) : Tensor =
    let plain = x.detach()
    withGradient x (sign plain) (clippedSteGradient plain)

/// sign(x) forward (stochastic sign if `stochastic`), gradient from `estimator`.
let binarizeWith (estimator: Tensor -> Tensor) (stochastic: bool) (x: Tensor) : Tensor =
    let plain = x.detach()
    let value = if stochastic then stochasticSign plain else sign plain
    if tracked x then withGradient x value (estimator plain) else value

/// Ternary activation: forward ternaryStep threshold x ∈ {-1, 0, +1}, clipped-STE gradient.
let ternarize (threshold: float) (x: Tensor) : Tensor =
    let plain = x.detach()
    let value = ternaryStep threshold plain
    if tracked x then withGradient x value (clippedSteGradient plain) else value

/// DoReFa k-bit activation (Zhou et al. 2016): round(n·clip(x, 0, 1))/n with n = 2^k - 1;
/// gradient 1 inside [0, 1], 0 outside.
let doReFaActivation (bits: int) (x: Tensor) : Tensor =
    let levels = float ((1L <<< bits) - 1L)
    let plain = x.detach()
    let value = plain.ClampTo(0.0, 1.0).mul_(levels.ToScalar()).round_().div_(levels.ToScalar())
    if tracked x then withGradient x value (plain.Ge(0.0).logical_and_(plain.Le(1.0)).to_type(x.dtype)) else value

// ---------------------------------------------------------------------------------------------
// Weight quantizers (weights are [out, in] or [out, in/groups, kh, kw]; channel = dim 0)

/// Every dimension but the first (the output channel): what per-channel statistics reduce over.
let private channelDims (w: Tensor) = [| for d in 1L .. w.dim() - 1L -> d |]

/// [out, 1, ...]: a per-channel vector shaped to broadcast over the weights.
let private perChannelShape (w: Tensor) = [| yield w.shape.[0]; for _ in 1L .. w.dim() - 1L -> 1L |]

/// Reduces |w| per output channel to shape [out, 1, ...] (mean over all other dims).
let private perChannelMeanAbs (w: Tensor) : Tensor =
    let dims = channelDims w
    w.abs().mean(dims, keepdim = true)

/// Binary weights: forward sign(w) (stochastic sign when `stochastic`), clipped-STE gradient.
/// With `scaled` (XNOR-Net, Rastegari et al. 2016) the output is α·sign(w) with
/// α = mean|w| per output channel, and the gradient also flows through α.
let binaryWeights (scaled: bool) (stochastic: bool) (w: Tensor) : Tensor =
    let signs = binarizeWith clippedSteGradient stochastic w
    if scaled then signs * perChannelMeanAbs w else signs

/// The sign of each weight (+1 for 0) and one scale per output channel, [out]: 1, or α = mean|w|
/// with `scaled` (XNOR-Net). The integer form of `binaryWeights` in evaluation.
let binaryWeightIntegers (scaled: bool) (w: Tensor) : Tensor * Tensor =
    use _ = torch.no_grad()
    let scales = if scaled then perChannelMeanAbs w |> fun a -> a.flatten() else torch.ones(w.shape.[0], dtype = w.dtype, device = w.device)
    sign w, scales

/// TWN's integers {-1, 0, +1} (0 where |w| <= Δ = factor·mean|w| per output channel) and α per
/// output channel, [out]: the mean of |w| over the kept weights (0 for a channel with none).
let ternaryWeightIntegers (deltaFactor: float) (w: Tensor) : Tensor * Tensor =
    use _ = torch.no_grad()
    let dims = channelDims w
    let magnitude = w.abs()
    let delta = perChannelMeanAbs w * deltaFactor
    let kept = magnitude.gt(delta).AsValuesOf(w)
    let count = kept.sum(dims, keepdim = true).ClampMin(1.0)
    let alpha = (magnitude * kept).sum(dims, keepdim = true) / count
    sign w * kept, alpha.flatten()

/// TWN ternary weights (Li et al. 2016): per output channel Δ = factor·mean|w|,
/// α = mean of |w| over |w| > Δ; forward α·{-1, 0, +1} (0 where |w| <= Δ); STE gradient.
let ternaryWeights (deltaFactor: float) (w: Tensor) : Tensor =
    let value =
        use _ = torch.no_grad()
        let integers, alpha = ternaryWeightIntegers deltaFactor w
        integers * alpha.view(perChannelShape w)
    withIdentityGradient w value

/// n-bit uniform quantization over the per-tensor range [min, max] (2 <= n <= 31):
/// q = round((x - min)/s)·s + min with s = (max - min)/(2^n - 1); at most 2^n levels.
/// Deterministic or stochastic rounding; STE gradient.
let uniformPerTensor (bits: int) (stochastic: bool) (x: Tensor) : Tensor =
    let value =
        use _ = torch.no_grad()
        let low = x.min()
        let high = x.max()
        let step = (high - low) / float ((1L <<< bits) - 1L)
        let safeStep = torch.where(step.Gt(0.0), step, torch.ones_like(step))
        roundTo stochastic ((x - low) / safeStep) * safeStep + low
    withIdentityGradient x value

/// The largest integer of symmetric n-bit weights: 2^(n-1) - 1.
let symmetricTop (bits: int) = (1 <<< (bits - 1)) - 1

/// Symmetric n-bit integers per output channel, round(w/s) clamped to ±(2^(n-1) - 1) (rounded
/// stochastically when `stochastic`), and the step s = max|w|/(2^(n-1) - 1) per channel, [out]
/// (0 for an all-zero channel, whose integers are 0).
let symmetricPerChannelIntegers (bits: int) (stochastic: bool) (w: Tensor) : Tensor * Tensor =
    use _ = torch.no_grad()
    let top = float (symmetricTop bits)
    let step = w.abs().amax(channelDims w, keepdim = true) / top
    let safeStep = torch.where(step.Gt(0.0), step, torch.ones_like(step))
    (roundTo stochastic (w / safeStep)).ClampTo(-top, top), step.flatten()

/// Symmetric n-bit quantization per output channel (2 <= n <= 31): integers in
/// [-(2^(n-1) - 1), 2^(n-1) - 1] times s = max|w|/(2^(n-1) - 1) per channel; at most 2^n - 1
/// levels, 0 exactly representable. Deterministic or stochastic rounding; STE gradient.
let symmetricPerChannel (bits: int) (stochastic: bool) (w: Tensor) : Tensor =
    let value =
        use _ = torch.no_grad()
        let integers, step = symmetricPerChannelIntegers bits stochastic w
        integers * step.view(perChannelShape w)
    withIdentityGradient w value
