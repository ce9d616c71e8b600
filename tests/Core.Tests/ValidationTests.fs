module Qnn.Tests.ValidationTests

open System
open Xunit
open Qnn
open Qnn.Tests.Models

let private dense (spec: ModelSpec) index (change: DenseSpec -> DenseSpec) =
    { spec with
        Layers = spec.Layers |> Array.mapi (fun i l -> match l with Dense d when i = index -> Dense(change d) | other -> other) }

let private conv (spec: ModelSpec) index (change: ConvSpec -> ConvSpec) =
    { spec with
        Layers = spec.Layers |> Array.mapi (fun i l -> match l with Conv c when i = index -> Conv(change c) | other -> other) }

let private features (spec: ModelSpec) (change: FeatureInputSpec -> FeatureInputSpec) =
    match spec.Input with
    | Features f -> { spec with Input = Features(change f) }
    | _ -> failwith "not an MLP"

let private image (spec: ModelSpec) (change: ImageInputSpec -> ImageInputSpec) =
    match spec.Input with
    | Image i -> { spec with Input = Image(change i) }
    | _ -> failwith "not a CNN"

let private nbits bits = { Mode = WeightQuant.NBits; Bits = bits; Scaled = false }

/// (name, spec, code, isError, path, a piece of the message that names the value and the rule)
let cases : (string * ModelSpec * string * bool * string * string) list =
    [ "MLP with an image input", { vertebralMlp with Input = Image { Channels = 1; Height = 4; Width = 4; Bits = 8; Downscale = 1 } }, "QNN002", true, "input", "has [ImageInput]; it needs exactly one [Input(features)], the input of an MLP"
      "CNN with a feature input", { miniMnistCnn with Input = Features { Count = 6; Bits = 8; FeatureBits = None } }, "QNN002", true, "input", "has [Input(features)]; it needs exactly one [ImageInput], the input of a CNN"
      "no Dense layer", { miniMnistCnn with Layers = miniMnistCnn.Layers.[0..1] }, "QNN003", true, "layers", "has no Dense layer; a model needs a Dense output layer"
      "Conv in an MLP", { vertebralMlp with Layers = Array.append [| SpecDefaults.Conv(4) |] vertebralMlp.Layers }, "QNN003", true, "layers[0]", "Conv conv1 is in an MLP; a model needs a Dense output layer, and Conv blocks only in a [QuantizedCnn]"
      "Conv after Dense", { miniMnistCnn with Layers = Array.append miniMnistCnn.Layers.[0..2] [| SpecDefaults.Conv(4); SpecDefaults.Dense(10) |] }, "QNN003", true, "layers[3]", "Conv conv4 comes after a Dense layer; a model needs a Dense output layer, and Conv blocks only in a [QuantizedCnn], before any Dense"
      "zero units", dense vertebralMlp 1 (fun d -> { d with Units = 0 }), "QNN004", true, "layers[1].Units", "units is 0; it must be positive"
      "zero features", features vertebralMlp (fun f -> { f with Count = 0 }), "QNN004", true, "input.Features", "is 0; it must be positive"
      "negative kernel", conv miniMnistCnn 0 (fun c -> { c with Kernel = -3 }), "QNN004", true, "layers[0].Kernel", "kernel is -3"
      "zero stride", conv miniMnistCnn 0 (fun c -> { c with Stride = 0 }), "QNN004", true, "layers[0].Stride", "stride is 0"
      "zero dilation", conv miniMnistCnn 1 (fun c -> { c with Dilation = 0 }), "QNN004", true, "layers[1].Dilation", "dilation is 0"
      "zero pool", conv miniMnistCnn 1 (fun c -> { c with Pool = 0 }), "QNN004", true, "layers[1].Pool", "pool is 0"
      "negative padding", conv miniMnistCnn 0 (fun c -> { c with Padding = -1 }), "QNN004", true, "layers[0].Padding", "Conv conv1 padding is -1; it must be 0 or more"
      "zero image height", image miniMnistCnn (fun i -> { i with Height = 0 }), "QNN004", true, "input.Height", "image height is 0"
      "zero channels", conv miniMnistCnn 0 (fun c -> { c with Channels = 0 }), "QNN004", true, "layers[0].Channels", "channels is 0"
      "zero groups", conv miniMnistCnn 0 (fun c -> { c with Groups = 0 }), "QNN004", true, "layers[0].Groups", "groups is 0"
      "input of 0 bits", features vertebralMlp (fun f -> { f with Bits = 0 }), "QNN005", true, "input.Bits", "input has Bits = 0; input widths take 1..32 bits"
      "image input of 33 bits", image miniMnistCnn (fun i -> { i with Bits = 33 }), "QNN005", true, "input.Bits", "input has Bits = 33"
      "NBits without Bits", dense vertebralMlp 0 (fun d -> { d with Weights = nbits None }), "QNN005", true, "layers[0].Bits", "Dense fc1 has NBits weights without Bits; NBits weights take 2..31 bits"
      "NBits with 1 bit", dense vertebralMlp 0 (fun d -> { d with Weights = nbits (Some 1) }), "QNN005", true, "layers[0].Bits", "Dense fc1 has NBits weights with Bits = 1; NBits weights take 2..31 bits"
      "NBits with 32 bits", conv miniMnistCnn 0 (fun c -> { c with Weights = nbits (Some 32) }), "QNN005", true, "layers[0].Bits", "Bits = 32"
      "Bits on Binary weights", dense vertebralMlp 0 (fun d -> { d with Weights = { binary with Bits = Some 4 } }), "QNN015", false, "layers[0].Bits", "Dense fc1 sets Bits = 4 on Binary weights; Bits applies only to NBits and is ignored"
      "FeatureBits of the wrong length", features vertebralMlp (fun f -> { f with FeatureBits = Some [| 8; 8 |] }), "QNN006", true, "input.FeatureBits", "FeatureBits has 2 entries for 6 input features; FeatureBits needs one width of 1..32 bits per input feature"
      "FeatureBits entry of 0", features vertebralMlp (fun f -> { f with FeatureBits = Some [| 8; 8; 0; 8; 8; 8 |] }), "QNN006", true, "input.FeatureBits[2]", "FeatureBits[2] is 0"
      "dropout of 1", { vertebralMlp with Dropout = 1.0 }, "QNN007", true, "Dropout", "Dropout is 1; it must be in [0, 1)"
      "negative dropout", { vertebralMlp with Dropout = -0.1 }, "QNN007", true, "Dropout", "Dropout is -0.1"
      "NaN dropout", { vertebralMlp with Dropout = nan }, "QNN007", true, "Dropout", "Dropout is NaN"
      "ReSTE o below 1", { vertebralMlp with ResteO = 0.5 }, "QNN008", true, "ResteO", "ResteO is 0.5; ReSTE needs o >= 1 and threshold > 0"
      "ReSTE threshold of 0", { vertebralMlp with ResteThreshold = 0.0 }, "QNN008", true, "ResteThreshold", "ResteThreshold is 0; ReSTE needs o >= 1 and threshold > 0"
      "conv block that empties the image", conv { miniMnistCnn with Input = Image { Channels = 1; Height = 4; Width = 4; Bits = 8; Downscale = 1 } } 1 (fun c -> { c with Padding = 0; Kernel = 5 }), "QNN009", true, "layers[1]", "Conv conv2 outputs 0×0 from a 4×4 input"
      "groups that do not divide the channels", conv miniMnistCnn 1 (fun c -> { c with Groups = 3 }), "QNN010", true, "layers[1].Groups", "Groups = 3, which does not divide its 16 input and 32 output channels"
      "activation on the output layer", dense vertebralMlp 2 (fun d -> { d with Activation = Some Activation.Binarize }), "QNN012", false, "layers[2].Activation", "is the output layer"
      "ActivationBits without NBits", dense vertebralMlp 0 (fun d -> { d with ActivationBits = Some 4 }), "QNN016", true, "layers[0].ActivationBits", "Dense fc1 has ActivationBits with Activation = BinarizeReste; ActivationBits and Activation.NBits go together"
      "NBits activation without ActivationBits", { vertebralMlp with Activation = Activation.NBits }, "QNN016", true, "ActivationBits", "the model has Activation.NBits without ActivationBits; ActivationBits and Activation.NBits go together"
      "ActivationBits of 32", { vertebralMlp with Activation = Activation.NBits; ActivationBits = Some 32 }, "QNN013", true, "ActivationBits", "the model has ActivationBits = 32; NBits activations take 1..31 bits"
      "SwishSign beta of 0", { vertebralMlp with SwishBeta = 0.0 }, "QNN017", true, "SwishBeta", "SwishBeta is 0; BinarizeSwish needs it > 0"
      "Ternarize threshold below 0", { vertebralMlp with TernaryThreshold = -0.5 }, "QNN017", true, "TernaryThreshold", "TernaryThreshold is -0.5; Ternarize needs it > 0"
      "infinite ReSTE o", { vertebralMlp with ResteO = infinity }, "QNN008", true, "ResteO", "ResteO is Infinity; ReSTE needs o >= 1"
      "NaN ReSTE threshold", { vertebralMlp with ResteThreshold = nan }, "QNN008", true, "ResteThreshold", "ResteThreshold is NaN"
      "infinite ReSTE threshold", { vertebralMlp with ResteThreshold = infinity }, "QNN008", true, "ResteThreshold", "ResteThreshold is Infinity"
      "infinite SwishSign beta", { vertebralMlp with SwishBeta = infinity }, "QNN017", true, "SwishBeta", "SwishBeta is Infinity"
      "NaN Ternarize threshold", { vertebralMlp with TernaryThreshold = nan }, "QNN017", true, "TernaryThreshold", "TernaryThreshold is NaN"
      "infinite dropout", { vertebralMlp with Dropout = infinity }, "QNN007", true, "Dropout", "Dropout is Infinity"
      "a 257-character name", { vertebralMlp with Name = String.replicate 257 "n" }, "QNN014", true, "Name", "the model name's length is 257; it must be at most 256"
      "a layer of 2^31 - 1 units", dense vertebralMlp 1 (fun d -> { d with Units = Int32.MaxValue }), "QNN014", true, "layers[1].Units", "the value count per sample of Dense fc2's output is 2147483647; it must be at most 268435456"
      "2^31 parameters", { vertebralMlp with Input = Features { Count = 32768; Bits = 8; FeatureBits = None }; Layers = [| SpecDefaults.Dense(65536); SpecDefaults.Dense(2) |] }, "QNN014", true, "layers", "the parameter count of model VertebralMlp (weights and BatchNorm) is 2147745796; it must be at most 2147483647"
      "an image beyond int64", image miniMnistCnn (fun i -> { i with Channels = Int32.MaxValue; Height = Int32.MaxValue; Width = Int32.MaxValue }), "QNN014", true, "input", $"the value count per sample of the input (2147483647×2147483647×2147483647) is {bigint Int32.MaxValue ** 3}; it must be at most 268435456"
      "100,000 conv channels on a 64×64 image", conv (image miniMnistCnn (fun i -> { i with Height = 64; Width = 64 })) 0 (fun c -> { c with Channels = 100000 }), "QNN014", true, "layers[0]", "the value count per sample of Conv conv1's convolution (100000×64×64) is 409600000; it must be at most 268435456" ]

let caseNames () : seq<obj[]> = cases |> Seq.map (fun (name, _, _, _, _, _) -> [| box name |])

[<Theory>]
[<MemberData(nameof caseNames)>]
let ``each broken rule is reported with its code, severity, path and message`` (name: string) =
    let _, spec, code, isError, path, text = cases |> List.find (fun (n, _, _, _, _, _) -> n = name)
    let diagnostics = Spec.validate spec
    let found = diagnostics |> List.filter (fun d -> d.Code = code && d.Path = path)
    Assert.True(not found.IsEmpty, $"expected {code} at {path}; got %A{diagnostics}")
    let diagnostic = found.Head
    Assert.Equal(isError, diagnostic.IsError)
    Assert.Contains(text, diagnostic.Message)

[<Fact>]
let ``every spec-level code of the catalog is covered`` () =
    let covered = cases |> List.map (fun (_, _, code, _, _, _) -> code) |> List.distinct |> List.sort
    // QNN001 and QNN011 concern C# classes; the generator alone reports them.
    let specCodes =
        Validation.rules |> List.map (fun r -> r.Code) |> List.filter (fun c -> c <> "QNN001" && c <> "QNN011")
    Assert.Equal<string list>([ for n in 2 .. 17 do if n <> 11 then sprintf "QNN%03d" n ], specCodes)
    Assert.Equal<string list>(specCodes, covered)

[<Fact>]
let ``the models of docs/dsl.md are valid`` () =
    Assert.Empty(Spec.validate vertebralMlp)
    Assert.Empty(Spec.validate miniMnistCnn)
    Assert.Empty(Spec.validate (miniMnistCnnWith 0))

[<Fact>]
let ``building an invalid spec throws with every error`` () =
    let broken = dense { vertebralMlp with Dropout = 2.0 } 0 (fun d -> { d with Units = -1 })
    let e = Assert.Throws<Validation.InvalidSpecException>(fun () -> Spec.build broken |> ignore)
    Assert.Contains("QNN007", e.Message)
    Assert.Contains("QNN004", e.Message)

[<Fact>]
let ``the limits are exactly at the boundary`` () =
    let limitErrors spec = Spec.validate spec |> List.filter (fun d -> d.Code = "QNN014")
    Assert.Empty(limitErrors { vertebralMlp with Name = String.replicate Limits.MaxNameLength "n" })
    // 2^28 units are allowed, one more is not.
    let units n = { vertebralMlp with Input = Features { Count = 1; Bits = 8; FeatureBits = None }; Layers = [| SpecDefaults.Dense(n) |] }
    Assert.Empty(limitErrors (units (int Limits.MaxActivationsPerSample)))
    Assert.Single(limitErrors (units (int Limits.MaxActivationsPerSample + 1))) |> ignore
    // F features into 128 units: 128·F + 256 parameters, 2^31 - 128 for the first F below, 2^31 for the next.
    let wide features = { vertebralMlp with Input = Features { Count = features; Bits = 8; FeatureBits = None }; Layers = [| SpecDefaults.Dense(128) |] }
    Assert.Empty(limitErrors (wide 16_777_213))
    let over = Assert.Single(limitErrors (wide 16_777_214))
    Assert.Contains("is 2147483648; it must be at most 2147483647", over.Message)

[<Fact>]
let ``after an oversized stage, later layers get no shape rules and no parameter total`` () =
    // fc1 is beyond the activation limit; fc2's input is then unknown: one QNN014, no more.
    let spec = { vertebralMlp with Layers = [| SpecDefaults.Dense(1_000_000_000); SpecDefaults.Dense(1_000); SpecDefaults.Dense(2) |] }
    let diagnostics = Spec.validate spec
    Assert.Equal<string list>([ "QNN014 layers[0].Units" ], diagnostics |> List.map (fun d -> $"{d.Code} {d.Path}"))

[<Fact>]
let ``an oversized spec is refused before anything is allocated`` () =
    // 10^9 units would take gigabytes; the build must stop at validation, in no time.
    let huge = { vertebralMlp with Layers = [| SpecDefaults.Dense(1_000_000_000); SpecDefaults.Dense(3) |] }
    let clock = System.Diagnostics.Stopwatch.StartNew()
    let e = Assert.Throws<Validation.InvalidSpecException>(fun () -> Spec.build huge |> ignore)
    Assert.Contains("QNN014 layers[0].Units: the value count per sample of Dense fc1's output is 1000000000", e.Message)
    Assert.True(clock.Elapsed.TotalSeconds < 10.0)
