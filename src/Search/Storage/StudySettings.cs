namespace Qnn.Search.Storage;

/// <summary>What a study was started with, stored once when it is created. <see cref="Space"/> is
/// the search space's canonical JSON. <see cref="MinAccuracy"/> and <see cref="MaxCost"/> are the
/// optional constraints; <see cref="Population"/> is NSGA-II's population size.</summary>
/// <param name="Name">The study's name (<c>--study</c>), unique within a store.</param>
/// <param name="Space">The search space as canonical JSON.</param>
/// <param name="Dataset">The data set's name.</param>
/// <param name="Sampler">"nsga2" or "random".</param>
/// <param name="Cost">The cost model optimized: "complexity", "bitops", "bytes", "flash", "ram" or "instructions".</param>
/// <param name="Folds">Cross-validation folds (1 = the fixed train/test split).</param>
/// <param name="Epochs">Training epochs per fold.</param>
/// <param name="BatchSize">Training batch size.</param>
/// <param name="LearningRate">Training learning rate.</param>
/// <param name="WeightDecay">Training weight decay.</param>
/// <param name="MinAccuracy">The <c>--min-accuracy</c> constraint, if any.</param>
/// <param name="MaxCost">The <c>--max-cost</c> constraint, if any.</param>
/// <param name="Seed">The search's seed.</param>
/// <param name="Population">NSGA-II's population size.</param>
/// <param name="Provenance">How the study's candidates are trained, as the program that started it
/// records it (qnn's provenance JSON: every training setting, the data, threads, qnn's version and
/// commit); null in studies started before records.</param>
/// <param name="Target">The device target (<c>--target</c>: cortex-m4, ch32v003), or null.</param>
/// <param name="MaxFlash">The <c>--max-flash</c> limit in bytes, if any.</param>
/// <param name="MaxRam">The <c>--max-ram</c> limit in bytes, if any.</param>
/// <param name="ValidationSplit">The <c>--validation-split</c> fraction the candidates are scored
/// on (held out of the training set), or 0: scored on the test split or by cross-validation.</param>
public sealed record StudySettings(
    string Name,
    string Space,
    string Dataset,
    string Sampler,
    string Cost,
    int Folds,
    int Epochs,
    int BatchSize,
    double LearningRate,
    double WeightDecay,
    double? MinAccuracy,
    double? MaxCost,
    int Seed,
    int Population,
    string? Provenance = null,
    string? Target = null,
    long? MaxFlash = null,
    long? MaxRam = null,
    double ValidationSplit = 0);
