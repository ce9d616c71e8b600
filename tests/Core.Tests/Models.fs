/// The models of docs/dsl.md as specs, shared by the spec tests.
module Qnn.Tests.Models

open Qnn

let binary = SpecDefaults.Weights(WeightQuant.Binary)

let vertebralMlp =
    { SpecDefaults.Model(
          "VertebralMlp",
          ModelKind.Mlp,
          Features { Count = 6; Bits = 16; FeatureBits = None },
          [ SpecDefaults.Dense(32, binary); SpecDefaults.Dense(32, binary); SpecDefaults.Dense(3, binary) ]
      ) with
        Activation = Activation.BinarizeReste }

let miniMnistCnnWith (padding: int) =
    { SpecDefaults.Model(
          "MiniMnistCnn",
          ModelKind.Cnn,
          Image { Channels = 1; Height = 28; Width = 28; Bits = 8; Downscale = 1 },
          [ SpecDefaults.Conv(16, kernel = 3, padding = padding, weights = binary)
            SpecDefaults.Conv(32, kernel = 3, padding = padding, pool = 2, weights = binary)
            SpecDefaults.Dense(32, binary, Activation.BinarizeReste)
            SpecDefaults.Dense(32, binary, Activation.BinarizeReste)
            SpecDefaults.Dense(10) ]
      ) with
        Activation = Activation.Binarize
        Dropout = 0.1 }

let miniMnistCnn = miniMnistCnnWith 1
