namespace Qnn

open System
open TorchSharp

/// Quantizes the network input to n-bit codes over a range calibrated on the training set:
/// v = clip(x, low, high); code = round((v - low)/(high - low)·L) with L = 2^bits - 1; output
/// 2·code/L - 1 ∈ [-1, 1]. `bits` holds one width per feature (per-feature ranges, the seed's
/// "per input neuron quantization level") or a single width for the whole tensor (one range).
/// Widths above 24 exceed float32's 24-bit significand and are not rounded (only normalized).
/// The range lives in buffers `low` and `high`, saved with the model, so evaluation never depends
/// on the batch. Uncalibrated, the range is [0, 1].
type InputQuantizer(bits: int[], perFeature: bool) as this =
    inherit torch.nn.Module<torch.Tensor, torch.Tensor>("InputQuantizer")

    do
        if bits.Length = 0 then raise (ArgumentException("InputQuantizer needs at least one bit width", nameof bits))
        for b in bits do
            if b < 1 || b > 32 then raise (ArgumentOutOfRangeException(nameof bits, b, "input bit widths are 1..32"))
        if not perFeature && bits.Length <> 1 then
            raise (ArgumentException("a per-tensor input quantizer takes one bit width", nameof bits))

    static let roundedBitsLimit = 24
    let rangeSize = int64 bits.Length
    let low = torch.zeros(rangeSize)
    let high = torch.ones(rangeSize)
    let levels = torch.tensor(bits |> Array.map (fun b -> float32 ((1L <<< min b roundedBitsLimit) - 1L)))
    let rounded = torch.tensor(bits |> Array.map (fun b -> b <= roundedBitsLimit))

    do
        this.register_buffer("low", low)
        this.register_buffer("high", high)
        this.register_buffer("levels", levels, persistent = false)
        this.register_buffer("rounded", rounded, persistent = false)

    /// One width for the whole tensor, one range (images).
    new(bits: int) = new InputQuantizer([| bits |], false)

    member _.Bits = Array.copy bits
    member _.PerFeature = perFeature
    member _.Low = low
    member _.High = high

    /// The normalized position in [0, 1] of each value within the calibrated range.
    member private _.Normalize(x: torch.Tensor) =
        let span = high - low
        let safeSpan = torch.where(span.Gt(0.0), span, torch.ones_like(span))
        (torch.clamp(x, low, high) - low) / safeSpan

    /// The integer codes 0..L that an integer-only engine consumes.
    member this.Codes(x: torch.Tensor) : torch.Tensor =
        use _ = torch.no_grad()
        (this.Normalize x * levels).round().to_type(torch.ScalarType.Int64)

    override this.forward(input) =
        use _ = torch.no_grad()
        let normalized = this.Normalize input
        let quantized = torch.where(rounded, (normalized * levels).round() / levels, normalized)
        quantized * 2.0 - 1.0

    interface ICalibratedLayer with
        member _.Calibrate(trainingInput) =
            use _ = torch.no_grad()
            let observedLow, observedHigh =
                if perFeature then
                    trainingInput.amin([| 0L |]), trainingInput.amax([| 0L |])
                else
                    trainingInput.min().reshape(1L), trainingInput.max().reshape(1L)
            low.copy_(observedLow) |> ignore
            high.copy_(observedHigh) |> ignore
