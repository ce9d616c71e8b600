/// What a spec costs: parameters, weight memory in bits, and multiply-accumulates split by the
/// precision of their two operands (like Larq's model summary). Assumes a valid spec.
module Qnn.Cost

/// The precision of one operand of a multiply-accumulate.
type Precision =
    | Binary
    | Ternary
    | Bits of int
    | Float

    override this.ToString() =
        match this with
        | Binary -> "1-bit"
        | Ternary -> "ternary"
        | Bits n -> $"{n}-bit"
        | Float -> "float32"

/// MACs by operand precision: binary×binary (XNOR–popcount), ternary (ternary with binary or
/// ternary), integer (both operands integers, at least one wider than ternary), float (either
/// operand float).
type MacCounts =
    { BinaryBinary: int64
      Ternary: int64
      Integer: int64
      Float: int64 }

    member this.Total = Checked.(+) (Checked.(+) this.BinaryBinary this.Ternary) (Checked.(+) this.Integer this.Float)
    static member Zero = { BinaryBinary = 0L; Ternary = 0L; Integer = 0L; Float = 0L }

    static member (+)(a: MacCounts, b: MacCounts) =
        { BinaryBinary = a.BinaryBinary + b.BinaryBinary
          Ternary = a.Ternary + b.Ternary
          Integer = a.Integer + b.Integer
          Float = a.Float + b.Float }

/// One layer's cost. `WeightBits` counts the quantized kernel plus a float32 scale per output
/// channel where the quantizer has one (scaled binary, ternary α, n-bit step); `MemoryBits` adds
/// the BatchNorm's γ and β as float32.
type LayerCost =
    { Name: string
      OutputShape: int[]
      Parameters: int64
      WeightPrecision: Precision
      InputPrecision: Precision
      WeightBits: int64
      MemoryBits: int64
      Macs: MacCounts }

type ModelCost =
    { Layers: LayerCost[]
      Parameters: int64
      WeightBits: int64
      MemoryBits: int64
      /// The same model with every parameter a float32, for comparison.
      Float32Bits: int64
      Macs: MacCounts }

/// What a quantized input of `bits` is: 1 bit is ±1 (binary), above `Limits.MaxCodeBits` it stays float.
let inputPrecision (bits: int) =
    if bits = 1 then Binary elif bits <= Limits.MaxCodeBits then Bits bits else Float

let weightPrecision (w: WeightSpec) =
    match w.Mode with
    | WeightQuant.Binary -> Binary
    | WeightQuant.Ternary -> Ternary
    | WeightQuant.NBits -> Bits(defaultArg w.Bits 32)
    | _ -> Float

/// The precision of a layer's output after its activation.
let activationPrecision (activation: Activation) (bits: int option) =
    match activation with
    | Activation.Binarize
    | Activation.BinarizeReste
    | Activation.BinarizeApprox
    | Activation.BinarizeSwish -> Binary
    | Activation.Ternarize -> Ternary
    | Activation.NBits -> Bits(defaultArg bits 32)
    | _ -> Float


/// Puts `count` MACs of weights × inputs in their precision class.
let classify (weights: Precision) (inputs: Precision) (count: int64) =
    match weights, inputs with
    | Float, _
    | _, Float -> { MacCounts.Zero with Float = count }
    | Binary, Binary -> { MacCounts.Zero with BinaryBinary = count }
    | (Binary | Ternary), (Binary | Ternary) -> { MacCounts.Zero with Ternary = count }
    | _ -> { MacCounts.Zero with Integer = count }

let private modelInputPrecision (spec: ModelSpec) =
    match spec.Input with
    | Features f ->
        let widest = f.FeatureBits |> Option.map Array.max |> Option.defaultValue f.Bits
        inputPrecision widest
    | Image i -> inputPrecision i.Bits

/// The cost of every layer and the totals, in checked 64-bit arithmetic: a spec within `Limits`
/// costs at most about 2^31 parameters and 2^59 MACs, far inside int64; a wildly oversized one
/// (an invalid spec, QNN014) throws OverflowException rather than printing wrapped, negative
/// numbers. Linear in the number of layers (one pass over `Shapes.stages`).
let cost (spec: ModelSpec) : ModelCost =
    let ( * ) (a: int64) (b: int64) = Checked.(*) a b
    let ( + ) (a: int64) (b: int64) = Checked.(+) a b
    let stages = Shapes.stages spec
    // Per layer, its convolution stage (before pooling) and its last stage (its output), found in
    // one pass: searching all stages per layer would be quadratic.
    let convStage = Array.zeroCreate<int[]> spec.Layers.Length
    let lastStage = Array.zeroCreate<int[]> spec.Layers.Length
    for s in stages do
        if s.Layer >= 0 then
            lastStage.[s.Layer] <- s.Shape
            if s.Kind = StageKind.Conv then convStage.[s.Layer] <- s.Shape
    let output = Shapes.outputLayer spec
    let layerCost (inputShape: int[], inputs: Precision) (index: int, layer: LayerSpec) =
        let outputShape = lastStage.[index]
        let weights, kernelCount, outChannels, macs =
            match layer with
            | Dense d ->
                let fanIn = Shapes.count inputShape
                d.Weights, fanIn * int64 d.Units, int64 d.Units, fanIn * int64 d.Units
            | Conv c ->
                let perOutput = int64 (inputShape.[0] / c.Groups) * (int64 c.Kernel * int64 c.Kernel)
                let convolved = convStage.[index]
                let positions = int64 convolved.[1] * int64 convolved.[2]
                c.Weights, perOutput * int64 c.Channels, int64 c.Channels, perOutput * int64 c.Channels * positions
        let precision = weightPrecision weights
        let weightBits = Qnn.Rules.WeightBits.OfLayer(kernelCount, outChannels, weights.Mode, Option.toNullable weights.Bits, weights.Scaled)
        let batchNormParameters = 2L * outChannels
        let next = Shapes.activationGiven output spec index ||> activationPrecision
        let entry =
            { Name = Shapes.layerName index layer
              OutputShape = outputShape
              Parameters = kernelCount + batchNormParameters
              WeightPrecision = precision
              InputPrecision = inputs
              WeightBits = weightBits
              MemoryBits = weightBits + 32L * batchNormParameters
              Macs = classify precision inputs macs }
        entry, (outputShape, next)
    let layers, _ =
        spec.Layers |> Array.indexed |> Array.mapFold layerCost (Shapes.firstLayerInput spec.Input, modelInputPrecision spec)
    let sum (field: LayerCost -> int64) = layers |> Array.fold (fun total l -> total + field l) 0L
    let macs (field: MacCounts -> int64) = sum (fun l -> field l.Macs)
    { Layers = layers
      Parameters = sum (fun l -> l.Parameters)
      WeightBits = sum (fun l -> l.WeightBits)
      MemoryBits = sum (fun l -> l.MemoryBits)
      Float32Bits = sum (fun l -> 32L * l.Parameters)
      Macs =
        { BinaryBinary = macs (fun m -> m.BinaryBinary)
          Ternary = macs (fun m -> m.Ternary)
          Integer = macs (fun m -> m.Integer)
          Float = macs (fun m -> m.Float) } }

/// A lower bound on the memory (bytes) that training at `batchSize` and evaluating at
/// `evaluationBatchSize` take, to refuse before allocating what cannot fit: training keeps every
/// stage's float32 output for the backward pass and its gradient (2 × 4 bytes a value a sample),
/// and the parameters with their gradient and Adam's two moments (4 × 4 bytes); evaluation holds
/// at least the widest stage's input and output. libtorch's workspaces come on top.
let trainingBytes (spec: ModelSpec) (batchSize: int) (evaluationBatchSize: int) : int64 =
    let values = Shapes.stages spec |> Array.map (fun s -> s.Shape |> Array.fold (fun p n -> Checked.(*) p (int64 n)) 1L)
    let training = Checked.(+) (Checked.(*) (8L * int64 batchSize) (Array.sum values)) (16L * (cost spec).Parameters)
    let evaluation = Checked.(*) (8L * int64 evaluationBatchSize) (Array.max values)
    max training evaluation
