/// Quantizers as pure functions over tensors. Each gives its forward value and the gradient
/// that training back-propagates through it (the estimator); the formulas are in the comments.
/// Sign functions map 0 to +1, as Larq and Brevitas do (torch.sign(0) would be 0).
module Qnn.Quantizers

open TorchSharp
type Tensor = torch.Tensor

// ---------------------------------------------------------------------------------------------
// Estimator plumbing

/// Forwards `value` exactly and back-propagates `gradient` (elementwise) to `x`:
/// value.detach() + (x - x.detach()) · gradient.detach(). The second term is exactly 0 forward,
/// and its derivative with respect to x is `gradient`. Any elementwise surrogate gradient is
/// written this way, in plain libtorch ops.
let withGradient (x: Tensor) (value: Tensor) (gradient: Tensor) : Tensor =
    value.detach() + (x - x.detach()) * gradient.detach()

/// Straight-through estimator: forwards `value` exactly, gradient 1 (identity) to `x`.
let withIdentityGradient (x: Tensor) (value: Tensor) : Tensor = value.detach() + (x - x.detach())

/// 1 where |x| <= limit, else 0, in x's dtype.
let private inside (limit: float) (x: Tensor) : Tensor = x.abs().Le(limit).AsValuesOf(x)

// ---------------------------------------------------------------------------------------------
// Gradient estimators (each returns d/dx as a tensor shaped like x)

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
    let power = magnitude.ClampMin(0.1).pow(((1.0 - o) / o).ToScalar()) * (1.0 / o)
    let nearZero = System.Math.Pow(0.1, 1.0 / o) / 0.1
    let shaped = torch.where(magnitude.Le(0.1), torch.full_like(x, nearZero.ToScalar()), power)
    shaped * magnitude.Le(threshold).AsValuesOf(x)

/// ApproxSign (Liu et al., Bi-Real Net 2018): gradient 2 - 2|x| for |x| <= 1, else 0.
let approxSignGradient (x: Tensor) : Tensor = (2.0 - x.abs() * 2.0).ClampMin(0.0)

/// SwishSign (Darabi et al., BNN+ 2018), β > 0:
/// gradient β(2 - βx·tanh(βx/2)) / (1 + cosh(βx)).
let swishSignGradient (beta: float) (x: Tensor) : Tensor =
    let bx = x * beta
    let numerator = (2.0 - bx * (bx / 2.0).tanh()) * beta
    numerator / (bx.cosh() + 1.0)

// ---------------------------------------------------------------------------------------------
// Forward functions (no gradient of their own)

/// sign(x) with sign(0) = +1: +1 where x >= 0, else -1.
let sign (x: Tensor) : Tensor = x.Ge(0.0).AsValuesOf(x) * 2.0 - 1.0

/// hard_sigmoid(x) = clip((x + 1)/2, 0, 1).
let hardSigmoid (x: Tensor) : Tensor = ((x + 1.0) / 2.0).ClampTo(0.0, 1.0)

/// BinaryNet's stochastic sign: +1 with probability hard_sigmoid(x), else -1. Its mean is
/// 2·hard_sigmoid(x) - 1. Draws from torch's global generator (seed with torch.manual_seed).
let stochasticSign (x: Tensor) : Tensor =
    torch.rand_like(x).lt(hardSigmoid x).AsValuesOf(x) * 2.0 - 1.0

/// Ternary step: +1 where x > threshold, -1 where x < -threshold, else 0.
let ternaryStep (threshold: float) (x: Tensor) : Tensor =
    x.Gt(threshold).AsValuesOf(x) - x.Lt(-threshold).AsValuesOf(x)

/// Rounds to the nearest integer, or stochastically (floor(v + u), u ~ U[0, 1), so that the
/// expected value is v) when `stochastic`.
let roundTo (stochastic: bool) (v: Tensor) : Tensor =
    if stochastic then (v + torch.rand_like(v)).floor() else v.round()

// ---------------------------------------------------------------------------------------------
// Binarization and ternarization of activations

/// Deterministic sign with the clipped STE: forward sign(x), gradient 1_{|x| <= 1}.
let binarize (x: Tensor) : Tensor = withGradient x (sign x) (clippedSteGradient x)

/// sign(x) forward (stochastic sign if `stochastic`), gradient from `estimator`.
let binarizeWith (estimator: Tensor -> Tensor) (stochastic: bool) (x: Tensor) : Tensor =
    withGradient x (if stochastic then stochasticSign x else sign x) (estimator x)

/// Ternary activation: forward ternaryStep threshold x ∈ {-1, 0, +1}, clipped-STE gradient.
let ternarize (threshold: float) (x: Tensor) : Tensor =
    withGradient x (ternaryStep threshold x) (clippedSteGradient x)

/// DoReFa k-bit activation (Zhou et al. 2016): round(n·clip(x, 0, 1))/n with n = 2^k - 1;
/// gradient 1 inside [0, 1], 0 outside.
let doReFaActivation (bits: int) (x: Tensor) : Tensor =
    let levels = float ((1L <<< bits) - 1L)
    let value = (x.ClampTo(0.0, 1.0) * levels).round() / levels
    withGradient x value (x.Ge(0.0).logical_and(x.Le(1.0)).AsValuesOf(x))

// ---------------------------------------------------------------------------------------------
// Weight quantizers (weights are [out, in] or [out, in/groups, kh, kw]; channel = dim 0)

/// Reduces |w| per output channel to shape [out, 1, ...] (mean over all other dims).
let private perChannelMeanAbs (w: Tensor) : Tensor =
    let dims = [| for d in 1L .. w.dim() - 1L -> d |]
    w.abs().mean(dims, keepdim = true)

/// Binary weights: forward sign(w) (stochastic sign when `stochastic`), clipped-STE gradient.
/// With `scaled` (XNOR-Net, Rastegari et al. 2016) the output is α·sign(w) with
/// α = mean|w| per output channel, and the gradient also flows through α.
let binaryWeights (scaled: bool) (stochastic: bool) (w: Tensor) : Tensor =
    let signs = binarizeWith clippedSteGradient stochastic w
    if scaled then signs * perChannelMeanAbs w else signs

/// TWN ternary weights (Li et al. 2016): per output channel Δ = factor·mean|w|,
/// α = mean of |w| over |w| > Δ; forward α·{-1, 0, +1} (0 where |w| <= Δ); STE gradient.
let ternaryWeights (deltaFactor: float) (w: Tensor) : Tensor =
    let value =
        use _ = torch.no_grad()
        let dims = [| for d in 1L .. w.dim() - 1L -> d |]
        let magnitude = w.abs()
        let delta = perChannelMeanAbs w * deltaFactor
        let kept = magnitude.gt(delta).AsValuesOf(w)
        let count = kept.sum(dims, keepdim = true).ClampMin(1.0)
        let alpha = (magnitude * kept).sum(dims, keepdim = true) / count
        sign w * kept * alpha
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

/// Symmetric n-bit quantization per output channel (2 <= n <= 31): integers in
/// [-(2^(n-1) - 1), 2^(n-1) - 1] times s = max|w|/(2^(n-1) - 1) per channel; at most 2^n - 1
/// levels, 0 exactly representable. Deterministic or stochastic rounding; STE gradient.
let symmetricPerChannel (bits: int) (stochastic: bool) (w: Tensor) : Tensor =
    let value =
        use _ = torch.no_grad()
        let dims = [| for d in 1L .. w.dim() - 1L -> d |]
        let top = float ((1L <<< (bits - 1)) - 1L)
        let maxAbs = w.abs().amax(dims, keepdim = true)
        let step = maxAbs / top
        let safeStep = torch.where(step.Gt(0.0), step, torch.ones_like(step))
        (roundTo stochastic (w / safeStep)).ClampTo(-top, top) * safeStep
    withIdentityGradient w value
