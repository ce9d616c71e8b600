/// The functions over model specs in one place: `Spec.validate`, `Spec.stages`, `Spec.shapes`, `Spec.cost`,
/// `Spec.build`, `Spec.toJson` and `Spec.ofJson`.
module Qnn.Spec

/// Every broken rule (errors and warnings) with its QNN code, path and message.
let validate (spec: ModelSpec) : SpecDiagnostic list = Validation.validate spec

/// Every stage of the network in forward order with its kind, module name and output shape.
let stages (spec: ModelSpec) : Stage[] = Shapes.stages spec

/// Each layer's output shape: input, conv blocks (after pooling), flatten, dense layers.
let shapes (spec: ModelSpec) : Shapes.LayerShape[] = Shapes.shapes spec

/// The features entering the head: C·H·W after the last conv block (6272 for MiniMnistCnn).
let flattenedFeatures (spec: ModelSpec) : int = Shapes.flattenedFeatures spec

/// Parameters, weight memory in bits and MACs by operand precision, per layer and in total.
let cost (spec: ModelSpec) : Cost.ModelCost = Cost.cost spec

/// A lower bound on the bytes training at `batchSize` and evaluating at `evaluationBatchSize` take
/// (see `Cost.trainingBytes`).
let trainingBytes (spec: ModelSpec) (batchSize: int) (evaluationBatchSize: int) : int64 =
    Cost.trainingBytes spec batchSize evaluationBatchSize

/// The network the spec describes. Throws `Validation.InvalidSpecException` (with every error)
/// for an invalid spec. Seed with `torch.manual_seed` first for reproducible weights.
let build (spec: ModelSpec) : QuantizedNetwork = new QuantizedNetwork(spec)

/// The spec as indented JSON.
let toJson (spec: ModelSpec) : string = SpecJson.write spec

/// A spec read from JSON, or what is wrong with the text (the JSON path and the problem).
let ofJson (json: string) : Result<ModelSpec, string> = SpecJson.read json
