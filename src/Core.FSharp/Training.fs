/// Training and evaluation of any `Module<Tensor, Tensor>` that maps features to logits.
/// Every batch runs inside a dispose scope, so native memory stays flat however long training
/// runs; the core reports progress through a callback and never writes to the console.
module Qnn.Training

open System
open System.Diagnostics
open TorchSharp

type private Model = torch.nn.Module<torch.Tensor, torch.Tensor>

/// Whether two devices are the same one ("cuda" names device 0, as a tensor on it reports).
let sameDevice (a: torch.Device) (b: torch.Device) =
    a.``type`` = b.``type`` && max a.index 0 = max b.index 0

/// The device of a model's first parameter (or buffer); the CPU for a model with neither.
let deviceOf (model: Model) : torch.Device =
    match Seq.tryHead (model.parameters()) with
    | Some p -> p.device
    | None ->
        match Seq.tryHead (model.buffers()) with
        | Some b -> b.device
        | None -> torch.CPU

/// `t` on `device`: itself when it is there already, else a copy.
let private onDevice (device: torch.Device) (t: torch.Tensor) =
    if sameDevice t.device device then t else t.``to``(device)

/// Loss and accuracy of `model` on `data` in evaluation mode (mean cross-entropy on logits,
/// fraction of correct argmax predictions). Batches go to the model's device; the sums stay there
/// and are read back once, at the end (each read waits for a GPU to finish).
let evaluate (model: Model) (data: TensorDataset) (batchSize: int) : float * float =
    model.eval()
    use _ = torch.no_grad()
    let device = deviceOf model
    let n = data.Count
    use lossSum = torch.zeros(1L, dtype = torch.ScalarType.Float64, device = device)
    use correct = torch.zeros(1L, dtype = torch.ScalarType.Int64, device = device)
    for start in 0..batchSize..n - 1 do
        use _ = torch.NewDisposeScope()
        let length = min batchSize (n - start)
        let x = data.Features.narrow(0, int64 start, int64 length) |> onDevice device
        let y = data.Labels.narrow(0, int64 start, int64 length) |> onDevice device
        let logits = model.call x
        let loss = torch.nn.functional.cross_entropy(logits, y, reduction = torch.nn.Reduction.Sum)
        lossSum.add_(loss.to_type(torch.ScalarType.Float64)) |> ignore
        correct.add_(logits.argmax(1L).eq(y).sum()) |> ignore
    lossSum.item<float>() / float n, float (correct.item<int64>()) / float n

/// Class predictions (argmax of the logits) in evaluation mode.
let predict (model: Model) (features: torch.Tensor) (batchSize: int) : int64[] =
    model.eval()
    use _ = torch.no_grad()
    let n = int features.shape.[0]
    [| for start in 0..batchSize..n - 1 do
           use _ = torch.NewDisposeScope()
           let x = features.narrow(0, int64 start, int64 (min batchSize (n - start))) |> onDevice (deviceOf model)
           yield! (model.call x).argmax(1L).cpu().data<int64>().ToArray() |]

/// The order of the training samples in one epoch: a Fisher–Yates shuffle from a generator
/// seeded by (seed, epoch), independent of torch's global generator and of thread count.
let shuffledOrder (seed: int) (epoch: int) (count: int) : int64[] =
    // A fixed mix of (seed, epoch): HashCode.Combine is randomized per process, which would make
    // runs irreproducible across processes.
    let mixed = (int64 seed * 1_000_003L + int64 epoch) &&& 0x7fffffffL
    let random = Random(int mixed)
    let order = Array.init count int64
    for i in count - 1 .. -1 .. 1 do
        let j = random.Next(i + 1)
        let t = order.[i]
        order.[i] <- order.[j]
        order.[j] <- t
    order

/// The optimizer's step and its learning-rate setter: FlatAdam for Adam, TorchSharp's SGD.
type private Stepper =
    { Step: unit -> unit
      SetLearningRate: float -> unit
      Dispose: unit -> unit }

let private makeOptimizer (config: TrainConfig) (model: Model) : Stepper =
    match config.Optimizer with
    | Adam ->
        let adam = new FlatAdam(model.parameters() |> Array.ofSeq, config.LearningRate, config.WeightDecay)
        { Step = adam.Step; SetLearningRate = (fun lr -> adam.LearningRate <- lr); Dispose = (adam :> IDisposable).Dispose }
    | SgdMomentum momentum ->
        let sgd = torch.optim.SGD(model.parameters(), config.LearningRate, momentum = momentum, weight_decay = config.WeightDecay)
        { Step = (fun () -> sgd.step() |> ignore)
          SetLearningRate = (fun lr -> for group in sgd.ParamGroups do group.LearningRate <- lr)
          Dispose = sgd.Dispose }

/// Cosine annealing from the initial rate to 0 over the epochs: the rate of epoch e (1-based).
let cosineRate (initial: float) (epochs: int) (epoch: int) =
    initial * (1.0 + Math.Cos(Math.PI * float (epoch - 1) / float epochs)) / 2.0

/// A copy of every parameter and buffer, to restore the best epoch's weights.
let private snapshot (model: Model) =
    use _ = torch.no_grad()
    // Under no_grad a clone carries no autograd history; detach() would leave a handle behind.
    model.state_dict() |> Seq.map (fun kv -> kv.Key, kv.Value.clone()) |> dict

let private restore (model: Model) (saved: Collections.Generic.IDictionary<string, torch.Tensor>) =
    use _ = torch.no_grad()
    for kv in model.state_dict() do
        kv.Value.copy_(saved.[kv.Key]) |> ignore

let private disposeSnapshot (saved: Collections.Generic.IDictionary<string, torch.Tensor> option) =
    saved |> Option.iter (fun s -> for t in s.Values do t.Dispose())

/// The smallest batch evaluation runs at (`evaluationBatchSize`; `Trainer.Evaluate`'s default).
[<Literal>]
let MinEvaluationBatchSize = 256

/// The batch evaluation and BatchNorm recalibration run at: the training batch, and at least 256
/// (evaluation keeps no activations for a backward pass, so larger batches cost little). A saved
/// model records it, so `qnn eval` evaluates as training did.
let evaluationBatchSize (config: TrainConfig) = max config.BatchSize MinEvaluationBatchSize

/// Calibrates every `ICalibratedLayer` (the input quantizer) on the training features.
let calibrate (model: Model) (trainSet: TensorDataset) =
    for m in model.modules() do
        match box m with
        | :? ICalibratedLayer as layer -> layer.Calibrate trainSet.Features
        | _ -> ()

/// Re-estimates every BatchNorm's running statistics over `trainSet` with the current weights: the
/// statistics are reset and accumulated as a cumulative average (momentum None) over batches in
/// order, with everything else in evaluation mode (no dropout, no stochastic sampling).
let recalibrateBatchNorm (model: Model) (trainSet: TensorDataset) (batchSize: int) =
    let norms = model.modules() |> Seq.choose (fun m -> match box m with :? TorchSharp.Modules.NormBase as n -> Some n | _ -> None) |> Array.ofSeq
    if norms.Length > 0 then
        let momenta = norms |> Array.map (fun n -> n.momentum)
        model.eval()
        for n in norms do
            n.reset_running_stats()
            n.momentum <- Nullable()
            n.train()
        use _ = torch.no_grad()
        let device = deviceOf model
        let count = trainSet.Count
        for start in 0 .. batchSize .. count - 1 do
            let length = min batchSize (count - start)
            if length > 1 then
                use _ = torch.NewDisposeScope()
                model.call(trainSet.Features.narrow(0, int64 start, int64 length) |> onDevice device) |> ignore
        Array.iter2 (fun (n: TorchSharp.Modules.NormBase) m -> n.momentum <- m) norms momenta
        model.eval()

/// One epoch over shuffled mini-batches; returns the mean training loss. A final batch of a
/// single sample is skipped: BatchNorm cannot normalize one sample in training mode.
let private trainEpoch (model: Model) (optimizer: Stepper) (config: TrainConfig) (trainSet: TensorDataset) epoch =
    model.train()
    let n = trainSet.Count
    // One gather per epoch, on the data's device; each batch is then a view (narrow), not a copy.
    use order = torch.tensor(shuffledOrder config.Seed epoch n, device = trainSet.Features.device)
    use features = trainSet.Features.index_select(0L, order)
    use labels = trainSet.Labels.index_select(0L, order)
    let latentLayers =
        model.modules() |> Seq.choose (fun m -> match box m with :? ILatentWeightLayer as l -> Some l | _ -> None) |> Array.ofSeq
    let mutable lossSum = 0.0
    let mutable seen = 0
    for start in 0 .. config.BatchSize .. n - 1 do
        let length = min config.BatchSize (n - start)
        if length > 1 then
            use _ = torch.NewDisposeScope()
            let x =
                let batch = features.narrow(0, int64 start, int64 length)
                match config.Augmentation with
                | Some augmentation -> Augmentation.apply augmentation config.Seed epoch start batch
                | None -> batch
            let y = labels.narrow(0, int64 start, int64 length)
            // Dropping the gradients (rather than zeroing them in place) saves an op per parameter.
            model.zero_grad(set_to_none = true)
            let loss = torch.nn.functional.cross_entropy(model.call x, y)
            loss.backward()
            optimizer.Step()
            if config.ClipLatentWeights then
                for layer in latentLayers do
                    layer.ClipLatentWeights()
            lossSum <- lossSum + float (loss.item<float32>()) * float length
            seen <- seen + length
    lossSum / float (max seen 1)

/// Whether a model is small enough that threads cost more than they give: no convolution weights,
/// and batch × its widest layer below libtorch's grain size (32,768 values).
let isSmallModel (model: Model) (batchSize: int) =
    let shapes = model.parameters() |> Seq.map (fun p -> p.shape) |> Array.ofSeq
    shapes |> Array.forall (fun s -> s.Length <= 2)
    && int64 batchSize * (shapes |> Array.collect id |> Array.fold max 1L) < 32768L

/// The rows `holdOut` keeps for training and the rows it holds out, each in ascending order: per
/// class, `round(fraction · count)` of that class's rows (at least one where the fraction is
/// above 0 and the class has two or more), drawn by a shuffle seeded with `seed`, so the classes
/// keep their shares and the same seed holds out the same rows.
let holdOutRows (fraction: float) (seed: int) (labels: int64[]) : int64[] * int64[] =
    let random = Random(seed)
    let heldOut = Collections.Generic.HashSet<int64>()
    for _, rows in labels |> Array.mapi (fun i label -> label, int64 i) |> Array.groupBy fst |> Array.sortBy fst do
        let rows = rows |> Array.map snd
        // Fisher–Yates, so the draw depends only on the seed and the class's rows.
        for i in rows.Length - 1 .. -1 .. 1 do
            let j = random.Next(i + 1)
            let t = rows.[i]
            rows.[i] <- rows.[j]
            rows.[j] <- t
        let wanted = int (Math.Round(fraction * float rows.Length, MidpointRounding.AwayFromZero))
        let count = if fraction > 0.0 && rows.Length >= 2 then max 1 (min wanted (rows.Length - 1)) else 0
        for k in 0 .. count - 1 do heldOut.Add rows.[k] |> ignore
    let all = Array.init labels.Length int64
    all |> Array.filter (heldOut.Contains >> not), all |> Array.filter heldOut.Contains

/// `trainSet` split into the rows trained on and a validation set of `fraction` of them
/// (`holdOutRows`); the caller disposes both.
let holdOut (fraction: float) (seed: int) (trainSet: TensorDataset) : TensorDataset * TensorDataset =
    use labels = trainSet.Labels.cpu()
    let kept, held = holdOutRows fraction seed (labels.data<int64>().ToArray())
    if held.Length = 0 || kept.Length < 2 then
        invalidArg (nameof fraction) $"a validation split of {fraction} of {trainSet.Count} training samples leaves {kept.Length} to train on and {held.Length} to validate; both need samples (training at least two)"
    let gather (rows: int64[]) =
        use index = torch.tensor(rows, device = trainSet.Features.device)
        { Features = trainSet.Features.index_select(0L, index); Labels = trainSet.Labels.index_select(0L, index) }
    gather kept, gather held

/// Trains `model` (already built and seeded) on `trainSet`, evaluating on `testSet` after each
/// epoch. Early stopping and the restored best epoch watch a validation set: with
/// `ValidationSplit` above 0 that fraction of the training set, held out (`holdOut`) and not
/// trained on; with 0 the test set itself, as in the seed.
/// Calibrates the input quantizer first. `progress` receives each epoch's record as it ends.
/// Trains on `config.Device`: the model moves there (and stays; move it back to save it from a
/// GPU), the data sets are copied there once, and each batch's loss is read back once.
/// An epoch whose mean training loss is not finite ends training with `DivergedAtEpoch` set
/// (and, with `RestoreBest`, the best earlier epoch's weights restored): a signal the caller
/// can act on, rather than an exception that would lose the run's history and weights.
let rec fit (model: Model) (config: TrainConfig) (trainSet: TensorDataset) (testSet: TensorDataset) (run: int) (progress: EpochRecord -> unit) : RunResult =
    OneDnnGuard.apply () |> ignore
    match TrainConfigRules.problems config with
    | [] -> ()
    | problems -> invalidArg (nameof config) (problems |> List.map (fun (field, problem) -> $"{field} is {problem}") |> String.concat "; ")
    let threads = torch.get_num_threads()
    // A CPU trick: a GPU's kernels do not use torch's intra-op threads.
    let oneThread =
        config.Device.``type`` = DeviceType.CPU && config.OneThreadForSmallModels && threads > 1 && isSmallModel model config.BatchSize
    if oneThread then torch.set_num_threads 1
    try
        fitWithThreads model config trainSet testSet run progress
    finally
        if oneThread then torch.set_num_threads threads

and private fitWithThreads (model: Model) (config: TrainConfig) (trainSet: TensorDataset) (testSet: TensorDataset) (run: int) (progress: EpochRecord -> unit) : RunResult =
    if config.Augmentation.IsSome && trainSet.Features.dim() <> 4L then
        let shape = String.Join(", ", trainSet.Features.shape)
        invalidArg (nameof config) $"augmentation shifts and rotates images ([N, C, H, W]); these features are [{shape}]"
    if config.ValidationSplit > 0.0 then
        let fitted, validation = holdOut config.ValidationSplit config.Seed trainSet
        try
            fitWatching model config fitted (Some validation) testSet run progress
        finally
            for t in [ fitted.Features; fitted.Labels; validation.Features; validation.Labels ] do t.Dispose()
    else
        fitWatching model config trainSet None testSet run progress

/// `fit` with the validation set (None: the test set) that early stopping and the best epoch watch.
and private fitWatching (model: Model) (config: TrainConfig) (trainSet: TensorDataset) (validationSet: TensorDataset option) (testSet: TensorDataset) (run: int) (progress: EpochRecord -> unit) : RunResult =
    // The model once, and each data set whole once: the sets Qnn trains on fit a GPU's memory,
    // and a batch is then a view, with no copy per batch.
    model.``to``(config.Device) |> ignore
    let moved (data: TensorDataset) =
        if sameDevice data.Features.device config.Device && sameDevice data.Labels.device config.Device then data, ignore
        else
            let copy = { Features = data.Features.``to``(config.Device); Labels = data.Labels.``to``(config.Device) }
            copy, (fun () -> copy.Features.Dispose(); copy.Labels.Dispose())
    let trainSet, disposeTrain = moved trainSet
    use _ = { new IDisposable with member _.Dispose() = disposeTrain () }
    let testSet, disposeTest = moved testSet
    use _ = { new IDisposable with member _.Dispose() = disposeTest () }
    let validationSet, disposeValidation =
        match validationSet with
        | Some v -> let m, d = moved v in Some m, d
        | None -> None, ignore
    use _ = { new IDisposable with member _.Dispose() = disposeValidation () }
    torch.manual_seed(int64 config.Seed) |> ignore
    calibrate model trainSet
    let optimizer = makeOptimizer config model
    use _ = { new IDisposable with member _.Dispose() = optimizer.Dispose() }
    let history = ResizeArray<EpochRecord>()
    let mutable best = Double.PositiveInfinity
    let mutable bestEpoch = 0
    let mutable sinceBest = 0
    let mutable saved = None
    let mutable stopped = false
    let mutable diverged = None
    let mutable epoch = 1
    while epoch <= config.Epochs && not stopped && diverged.IsNone do
        if config.CosineSchedule then optimizer.SetLearningRate(cosineRate config.LearningRate config.Epochs epoch)
        let clock = Stopwatch.StartNew()
        let trainLoss = trainEpoch model optimizer config trainSet epoch
        let seconds = clock.Elapsed.TotalSeconds
        let testLoss, testAccuracy = evaluate model testSet (evaluationBatchSize config)
        let record =
            { Run = run
              Epoch = epoch
              TrainLoss = trainLoss
              TestLoss = testLoss
              TestAccuracy = testAccuracy
              Seconds = seconds }
        history.Add record
        let watched =
            match config.StopOn, validationSet with
            | ValidationLoss, Some v -> fst (evaluate model v (evaluationBatchSize config))
            | ValidationLoss, None -> testLoss
            | TrainLoss, _ -> trainLoss
        if Double.IsNaN trainLoss || Double.IsInfinity trainLoss then
            // NaN compares false with everything, so it never becomes the best epoch either.
            diverged <- Some epoch
        elif watched < best then
            best <- watched
            bestEpoch <- epoch
            sinceBest <- 0
            if config.RestoreBest then
                disposeSnapshot saved
                saved <- Some(snapshot model)
        else
            sinceBest <- sinceBest + 1
            match config.Patience with
            | Some patience when sinceBest >= patience -> stopped <- true
            | _ -> ()
        // After the epoch's bookkeeping (the best weights' snapshot included), so a callback sees
        // the epoch complete.
        progress record
        epoch <- epoch + 1
    let finalLoss, finalAccuracy =
        let restored =
            match saved with
            | Some weights when bestEpoch <> history.[history.Count - 1].Epoch ->
                restore model weights
                true
            | _ -> false
        if config.RecalibrateBatchNorm then
            recalibrateBatchNorm model trainSet (evaluationBatchSize config)
        if restored || config.RecalibrateBatchNorm then
            evaluate model testSet (evaluationBatchSize config)
        else
            let last = history.[history.Count - 1]
            last.TestLoss, last.TestAccuracy
    disposeSnapshot saved
    { Run = run
      Seed = config.Seed
      History = history.ToArray()
      Accuracy = finalAccuracy
      TestLoss = finalLoss
      BestEpoch = bestEpoch
      StoppedEarly = stopped
      DivergedAtEpoch = diverged }

/// Max, mean and population standard deviation of accuracies.
let summarize (runs: RunResult[]) : RepeatResult =
    let accuracies = runs |> Array.map (fun r -> r.Accuracy)
    let mean = Array.average accuracies
    let std = accuracies |> Array.averageBy (fun a -> (a - mean) * (a - mean)) |> sqrt
    { Runs = runs
      Accuracies = accuracies
      Max = Array.max accuracies
      Mean = mean
      Std = std }

/// One run as every caller makes it: torch seeded with `config.Seed` (so the weights, dropout and
/// stochastic quantizers repeat for the same seed), the model built by `build`, then `fit`. The
/// caller owns the returned model.
let seededRun (build: unit -> Model) (config: TrainConfig) (trainSet: TensorDataset) (testSet: TensorDataset) (run: int) (progress: EpochRecord -> unit) : Model * RunResult =
    torch.manual_seed(int64 config.Seed) |> ignore
    let model = build ()
    try
        model, fit model config trainSet testSet run progress
    with _ ->
        model.Dispose()
        reraise ()

/// The seed's `evaluate_model(times)`: `runs` independent trainings, run i seeded with
/// config.Seed + i (`seededRun`, so the weights differ per run and repeat exactly for the same
/// seed). After each run, `keep` says whether the caller takes its model (it then owns it);
/// otherwise the model is disposed.
let repeatRunsKeeping (runs: int) (build: unit -> Model) (config: TrainConfig) (trainSet: TensorDataset) (testSet: TensorDataset)
                      (progress: EpochRecord -> unit) (keep: Model -> RunResult -> bool) : RepeatResult =
    if runs < 1 then invalidArg (nameof runs) $"runs is {runs}; it must be at least 1"
    [| for run in 0 .. runs - 1 do
           let model, result = seededRun build { config with Seed = config.Seed + run } trainSet testSet run progress
           if not (keep model result) then model.Dispose()
           yield result |]
    |> summarize

/// `repeatRunsKeeping` that keeps no model.
let repeatRuns (runs: int) (build: unit -> Model) (config: TrainConfig) (trainSet: TensorDataset) (testSet: TensorDataset) (progress: EpochRecord -> unit) : RepeatResult =
    repeatRunsKeeping runs build config trainSet testSet progress (fun _ _ -> false)
