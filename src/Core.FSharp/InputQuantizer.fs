namespace Qnn

open System
open TorchSharp

/// Quantizes the network input to n-bit codes over a range calibrated on the training set:
/// v = clip(x, low, high); code = round((v - low)/(high - low)·L) with L = 2^bits - 1; output
/// code/L ∈ [0, 1]. The low end maps to 0, so an image's background and a convolution's zero
/// padding agree (mapping to [-1, 1] made padded borders look mid-grey and cost MiniMnistCnn
/// about 10 points of accuracy after one epoch). `bits` holds one width per feature (per-feature ranges, the seed's
/// "per input neuron quantization level") or a single width for the whole tensor (one range).
/// Widths above 24 exceed float32's 24-bit significand and are not rounded (only normalized).
/// The range lives in buffers `low` and `high`, saved with the model, so evaluation never depends
/// on the batch. Uncalibrated, the range is [0, 1]. The range is read through the module at use
/// time (`.to(device)` registers new buffers; a kept reference would stay on the old device) and
/// the rounding constants are made on the input's device, so a moved quantizer holds no CPU tensor.
type InputQuantizer(bits: int[], perFeature: bool) as this =
    inherit torch.nn.Module<torch.Tensor, torch.Tensor>("InputQuantizer")

    do
        if bits.Length = 0 then raise (ArgumentException("InputQuantizer needs at least one bit width", nameof bits))
        for b in bits do
            if b < 1 || b > 32 then raise (ArgumentOutOfRangeException(nameof bits, b, "input bit widths are 1..32"))
        if not perFeature && bits.Length <> 1 then
            raise (ArgumentException("a per-tensor input quantizer takes one bit width", nameof bits))

    static let roundedBitsLimit = Limits.MaxCodeBits
    let rangeSize = int64 bits.Length
    // Decided once: whether every, some or no width is rounded.
    let allRounded = bits |> Array.forall (fun b -> b <= roundedBitsLimit)
    let someRounded = bits |> Array.exists (fun b -> b <= roundedBitsLimit)
    // The constants of rounding, made on the device of the input that needs them (TorchSharp's
    // `.to` does not move a non-persistent buffer, and these are not worth saving).
    let mutable levels: torch.Tensor = null
    let mutable rounded: torch.Tensor = null

    do
        this.register_buffer("low", torch.zeros(rangeSize))
        this.register_buffer("high", torch.ones(rangeSize))

    /// One width for the whole tensor, one range (images).
    new(bits: int) = new InputQuantizer([| bits |], false)

    member _.Bits = Array.copy bits
    member _.PerFeature = perFeature
    /// The calibrated range's low end (one value per feature, or one), on the module's device.
    member this.Low = this.get_buffer "low"
    /// The calibrated range's high end, on the module's device.
    member this.High = this.get_buffer "high"
    /// Each width's top code L as float32, and whether it is rounded, on `device`.
    member private _.Constants(device: torch.Device) =
        if isNull levels || not (levels.device_type = device.``type`` && levels.device_index = device.index) then
            if not (isNull levels) then
                levels.Dispose()
                rounded.Dispose()
            levels <- torch.tensor(bits |> Array.map (fun b -> float32 ((1L <<< min b roundedBitsLimit) - 1L)), device = device).DetachFromDisposeScope()
            rounded <- torch.tensor(bits |> Array.map (fun b -> b <= roundedBitsLimit), device = device).DetachFromDisposeScope()
        levels, rounded

    /// The normalized position in [0, 1] of each value within the calibrated range (a constant
    /// feature, whose range is empty, sits at 0).
    member private this.Normalize(x: torch.Tensor) =
        let low, high = this.Low, this.High
        let span = (high - low).clamp_min((1e-30).ToScalar())
        torch.clamp(x, low, high).sub_(low).div_(span)

    /// Rounds normalized positions to their width's levels, in place (widths above 24 bits stay).
    member private this.Round(normalized: torch.Tensor) =
        let levels, rounded = this.Constants normalized.device
        if allRounded then normalized.mul_(levels).round_().div_(levels)
        elif someRounded then torch.where(rounded, (normalized * levels).round_().div_(levels), normalized)
        else normalized

    /// The integer codes 0..L that an integer-only engine consumes.
    member this.Codes(x: torch.Tensor) : torch.Tensor =
        use _ = torch.no_grad()
        this.Normalize(x).mul_(fst (this.Constants x.device)).round_().to_type(torch.ScalarType.Int64)

    override this.forward(input) =
        use _ = torch.no_grad()
        this.Round(this.Normalize input)

    override _.Dispose(disposing: bool) =
        if disposing && not (isNull levels) then
            levels.Dispose()
            rounded.Dispose()
            levels <- null
            rounded <- null
        base.Dispose(disposing)

    interface ICalibratedLayer with
        member this.Calibrate(trainingInput) =
            use _ = torch.no_grad()
            let observedLow, observedHigh =
                if perFeature then
                    trainingInput.amin([| 0L |]), trainingInput.amax([| 0L |])
                else
                    trainingInput.min().reshape(1L), trainingInput.max().reshape(1L)
            this.Low.copy_(observedLow) |> ignore
            this.High.copy_(observedHigh) |> ignore
