namespace Qnn

/// One stage of a network: what it is (`StageKind`, the rule book's), the name of its module (the
/// state_dict prefix, the generated field), the spec layer it belongs to (-1 for the input
/// quantizer) and the shape it outputs, without the batch dimension. A flatten belongs to the
/// dense layer it feeds. `Shapes.stages` gives them from the rule book's planner.
type Stage =
    { Kind: StageKind
      Name: string
      Layer: int
      Shape: int[] }
