namespace Qnn

/// The kinds of stage a network is made of. A conv block runs Conv → BatchNorm → Activation →
/// MaxPool; a dense layer runs (Flatten) → Dense → BatchNorm → Dropout → Activation.
type StageKind =
    | Input = 0
    | Conv = 1
    | BatchNorm = 2
    | Activation = 3
    | MaxPool = 4
    | Flatten = 5
    | Dense = 6
    | Dropout = 7

/// One stage of a network: what it is, the name of its module (the state_dict prefix, the
/// generated field), the spec layer it belongs to (-1 for the input quantizer) and the shape it
/// outputs, without the batch dimension. A flatten belongs to the dense layer it feeds.
type Stage =
    { Kind: StageKind
      Name: string
      Layer: int
      Shape: int[] }

/// Stage names, defined once: `input`, `flatten`, and per layer number n (1-based) `conv{n}` or
/// `fc{n}` with its `bn{n}`, `drop{n}`, `act{n}` and `pool{n}`. The generator keeps a copy of
/// these names; a consistency test compares it with this one.
module StageName =
    /// The name of a stage of kind `kind` belonging to layer number `number` (1-based).
    let ofKind (kind: StageKind) (number: int) =
        match kind with
        | StageKind.Input -> "input"
        | StageKind.Flatten -> "flatten"
        // Concatenation rather than interpolation: a spec of 200,000 layers names 600,000 stages.
        | StageKind.Conv -> "conv" + string number
        | StageKind.Dense -> "fc" + string number
        | StageKind.BatchNorm -> "bn" + string number
        | StageKind.Dropout -> "drop" + string number
        | StageKind.Activation -> "act" + string number
        | StageKind.MaxPool -> "pool" + string number
        | other -> invalidArg (nameof kind) $"unknown stage kind {other}"
