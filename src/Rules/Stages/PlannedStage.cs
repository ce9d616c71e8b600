using System.Collections.Generic;

namespace Qnn.Rules;

/// <summary>One stage of a network: what it is, the name of its module (the state_dict prefix, the
/// generated field), the layer it belongs to (-1 for the input quantizer) and the shape it outputs,
/// without the batch dimension. A flatten belongs to the dense layer it feeds.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
sealed record PlannedStage(StageKind Kind, string Name, int Layer, IReadOnlyList<int> Shape);
