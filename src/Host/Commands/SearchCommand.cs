using System.CommandLine;
using System.Globalization;
using Qnn.Host.Cli;
using Qnn.Host.Data;
using Qnn.Host.Catalog;
using Qnn.Host.Persistence;
using Qnn.Host.Reports;
using Qnn.Export.Device;
using Qnn.Search;
using Qnn.Search.Costs;
using Qnn.Search.Scoring;
using Qnn.Search.Optimization;
using Qnn.Search.Spaces;
using Qnn.Search.Storage;

namespace Qnn.Host.Commands;

/// <summary>
/// `qnn search`: a multi-objective search over a space of quantized networks (accuracy up, cost
/// down) with NSGA-II or random sampling, every trial recorded in a study store (SQLite file or
/// PostgreSQL) as it finishes. The same command again continues its study; several processes on
/// one PostgreSQL study share the work.
/// </summary>
public sealed class SearchCommand(Terminal terminal, Func<DataOptions, DataSets> dataSets)
{
    private readonly Option<string> space = Flag.Text("--space", "NAME|FILE", "A built-in space (mlp, cnn) or a space file (.json)", "mlp");
    private readonly Option<string?> dataSet = Flag.Text("--dataset", "NAME", "A data set by name, or csv:PATH [default: vertebral for mlp, mini-mnist for cnn]");
    private readonly Option<int> trials = Flag.Int("--trials", "The study's budget of finished trials, over every worker and restart", 200, 1);
    private readonly Option<int> population = Flag.Int("--population", "NSGA-II's population", 20, 2);
    private readonly Option<int?> folds = Flag.OptionalInt("--folds", "Stratified cross-validation folds; 1 uses the data set's fixed split [default: 5 under 10,000 rows, else 1]", 1);
    private readonly Option<int> epochs = Flag.Int("--epochs", "Epochs per training", TrainConfig.Default.Epochs, 1);
    private readonly Option<int> batchSize = Flag.Int("--batch-size", "Samples per batch", TrainConfig.Default.BatchSize, 2);
    private readonly Option<double> learningRate = Flag.Number("--lr", "Learning rate", TrainConfig.Default.LearningRate, positive: true);
    private readonly Option<double> weightDecay = Flag.Number("--weight-decay", "Weight decay", TrainConfig.Default.WeightDecay, positive: false);
    private readonly Option<string> cost = Flag.Choice("--cost", "The cost minimized (every trial records each; flash, ram and instructions need --target)", "complexity", "complexity", "bitops", "bytes", "flash", "ram", "instructions");
    private readonly Option<string> target = Flag.Choice("--target", "A device: every trial records its C's flash and RAM bytes and instructions per prediction there (cortex-m4: a Cortex-M4F core; ch32v003: that part, with its 16 KB of flash and 2 KB of RAM as limits)", "none", "none", "cortex-m4", "ch32v003");
    private readonly Option<int?> maxFlash = Flag.OptionalInt("--max-flash", "Constraint (with --target): candidates whose C takes more flash bytes are not trained", 1);
    private readonly Option<int?> maxRam = Flag.OptionalInt("--max-ram", "Constraint (with --target): candidates whose C takes more RAM bytes (static + stack) are not trained", 1);
    private readonly Option<double?> minAccuracy = Flag.OptionalNumber("--min-accuracy", "Constraint: candidates below this accuracy (a fraction) rank behind the others", 0, 1);
    private readonly Option<double?> maxCost = Flag.OptionalNumber("--max-cost", "Constraint: candidates above this cost rank behind the others", 0, double.MaxValue);
    private readonly Option<double> validationSplit = Flag.Number("--validation-split", "Score each candidate on this fraction of the training set (per class, drawn with --seed), held out and never the test split; with --folds 1", 0, positive: false, below: 1);
    private readonly Option<int> augmentShift = Flag.Int("--augment-shift", "Shift each training image by up to this many pixels along each axis, drawn anew every epoch; 0 does not (cnn spaces)", 0, 0, 64);
    private readonly Option<int> augmentRotate = Flag.Int("--augment-rotate", "Rotate each training image by up to this many degrees, drawn anew every epoch; 0 does not (cnn spaces)", 0, 0, 180);
    private readonly Option<string> sampler = Flag.Choice("--sampler", "How candidates are proposed", "nsga2", "nsga2", "random");
    private readonly Option<string?> storage = Flag.Text("--storage", "FILE.db|postgresql://…", "Where the study lives [default: STUDY.db in the current directory]");
    private readonly Option<string?> study = Flag.Text("--study", "NAME", "The study's name [default: SPACE-DATASET]");
    /// <summary>The most workers one process runs: each is a thread with its own store connection and model.</summary>
    public const int MaxWorkers = 256;

    private readonly Option<int> workers = Flag.Int("--workers", "Candidates trained at once in this process", 1, 1, MaxWorkers);
    private readonly Option<int> threads = Flag.Int("--threads", "torch's threads for the whole process, shared by the workers (1 suits small candidates)", 1, 1);
    private readonly Option<int> seed = Flag.Int("--seed", "Seed of the sampler and of the folds", TrainConfig.Default.Seed, 0);
    private readonly Option<string> device = Devices.Flag();
    private readonly Option<string?> json = Flag.Text("--json", "FILE", "Write the study (trials and front) as JSON");
    private readonly Option<string?> plot = Flag.Text("--plot", "FILE.png", "Draw every trial and the front, accuracy against cost");
    private readonly DataFlags data = new();

    public Command Definition()
    {
        var command = new Command("search", "Search a space of quantized networks for the best accuracy at the lowest cost (NSGA-II), recording every trial in a study.")
        {
            space, dataSet, trials, population, folds, epochs, batchSize, learningRate, weightDecay, validationSplit, augmentShift, augmentRotate,
            cost, target, maxFlash, maxRam, minAccuracy, maxCost,
            sampler, storage, study, workers, threads, seed, device, json, plot,
        };
        foreach (var option in data.All(tables: true))
            command.Options.Add(option);
        command.SetAction(Run);
        return command;
    }

    public int Run(ParseResult flags)
    {
        var (jsonPath, plotPath) = (flags.GetValue(json), flags.GetValue(plot));
        OutputPaths.Check(new[] { ("--json", jsonPath), ("--plot", plotPath) },
            new[] { ("--storage", flags.GetValue(storage) is { } given ? StorageFile(given) : null), ("--space", flags.GetValue(space)) });
        var onDevice = Devices.Resolve(flags.GetValue(device)!);
        var (spaceName, searchSpace) = ReadSpace(flags.GetValue(space)!);
        var dataSetName = flags.GetValue(dataSet) ?? (searchSpace.Kind == "cnn" ? "mini-mnist" : "vertebral");
        var studyName = flags.GetValue(study) ?? $"{spaceName}-{dataSetName.Replace(':', '_').Replace('/', '_')}";
        var storagePath = flags.GetValue(storage) ?? studyName + ".db";
        var costModel = Enum.Parse<CostModel>(flags.GetValue(cost)!, ignoreCase: true);
        var workerCount = flags.GetValue(workers);
        var (part, flashLimit, ramLimit) = DeviceLimits(flags.GetValue(target)!, costModel, flags.GetValue(maxFlash), flags.GetValue(maxRam));
        var options = new SearchOptions(flags.GetValue(trials), workerCount, costModel, flags.GetValue(minAccuracy), flags.GetValue(maxCost), flags.GetValue(seed),
            part, flashLimit, ramLimit);

        if (part is not null && !SizeTool.IsInstalled(part))
            terminal.Error.WriteLine($"note: {part.Compiler} is not installed here: the trials' flash and RAM come from the size model (docs/c-export.md, \"Costs on a device\")");
        var loaded = dataSets(data.Read(flags)).Load(dataSetName);
        var rows = loaded.Train.Count + loaded.Test.Count;
        var foldCount = flags.GetValue(folds) ?? (rows < 10_000 ? 5 : 1);
        // Each fold tests on at least one row: more folds than rows would score empty folds.
        if (foldCount > rows)
            throw new UsageException($"--folds {foldCount}: data set {loaded.Name} has {rows:N0} rows, and every fold needs a test row; give at most {rows:N0} folds");
        var holdOut = flags.GetValue(validationSplit);
        if (holdOut > 0 && foldCount != 1)
            throw new UsageException($"--validation-split: cross-validation ({foldCount} folds) scores on held-out folds of every row; a validation split needs --folds 1");
        var (shift, rotate) = (flags.GetValue(augmentShift), flags.GetValue(augmentRotate));
        if ((shift > 0 || rotate > 0) && searchSpace.Kind != "cnn")
            throw new UsageException($"--augment-shift and --augment-rotate move images; the {searchSpace.Kind} space trains on flattened features");
        var (train, test, input) = Fit(searchSpace, loaded);
        // Candidates are small: by default one intra-op thread, so N workers use N cores without oversubscribing.
        var threadCount = Threads.Apply(flags.GetValue(threads), terminal.Error);
        var training = Trainer.Configure(
            EvaluationSettings.DefaultTraining(flags.GetValue(epochs), flags.GetValue(batchSize), flags.GetValue(learningRate), flags.GetValue(weightDecay), options.Seed, onDevice),
            augmentShift: shift, augmentRotation: rotate);
        var provenance = Provenance.Of(training, loaded, loaded.Train.Count, loaded.Test.Count, threadCount);
        var settings = new StudySettings(studyName, searchSpace.Json, dataSetName, flags.GetValue(sampler)!, costModel.ToString().ToLowerInvariant(),
            foldCount, training.Epochs, training.BatchSize, training.LearningRate, training.WeightDecay,
            options.MinAccuracy, options.MaxCost, options.Seed, flags.GetValue(population), ProvenanceJson.ToJson(provenance),
            part?.Name, flashLimit, ramLimit, holdOut);

        using (var store = OpenStore(storagePath))
            settings = Open(store, settings);
        // A continued study trains as it always has: its stored settings, on this process's device.
        // With a validation split the candidates never see the test split: they are scored on
        // the held-out part of the training set, drawn as training's own validation split is.
        var (scoredTrain, scoredOn) = settings.ValidationSplit > 0 ? HoldOut(settings, train) : (train, test);
        using var evaluator = new CandidateEvaluator(scoredTrain, scoredOn, new EvaluationSettings(settings.Folds, Trainer.Configure(StoredTraining(settings, storagePath), device: onDevice)));
        var domains = searchSpace.DomainsFor(input);
        Func<Qnn.Search.Genes.Genome, Qnn.Search.Genes.Genome> canonical = g => searchSpace.Canonical(g, input, loaded.Classes);
        ISampler proposer = settings.Sampler == "random"
            ? new RandomSampler(domains) { Canonical = canonical }
            : new NsgaII(domains, settings.Population) { Canonical = canonical };
        var output = terminal.Out;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"searching {spaceName} on {loaded.Name} ({rows} rows, {(settings.Folds > 1 ? $"{settings.Folds}-fold cross-validation" : settings.ValidationSplit > 0 ? $"scored on a validation split of {settings.ValidationSplit.ToString("0.###", CultureInfo.InvariantCulture)} of the training set" : "the fixed split")}, {settings.Epochs} epochs): {settings.Sampler}, cost {settings.Cost}{TargetText(part, flashLimit, ramLimit)}, budget {options.Trials} trials, {workerCount} worker{(workerCount > 1 ? "s" : "")}; study {studyName} in {storagePath}"));
        var runner = new SearchRunner(() => OpenStore(storagePath), studyName, searchSpace, input, loaded.Classes, evaluator, proposer, options);
        try
        {
            new SearchProgressView(terminal, options).Track(runner);
        }
        catch (StudyStoreException e)
        {
            // The store went away mid-search (a server down, a disk gone): finished trials are in it.
            throw new DataException($"--storage {storagePath}: {e.Message}; the finished trials are kept, and the same command continues the study");
        }

        using var final = OpenStore(storagePath);
        var all = final.Trials(studyName);
        var front = Objectives.Front(all, options);
        StudyTable.Write(terminal, front, options.Cost);
        var files = new ResultFiles(terminal.Error);
        if (jsonPath is not null)
            output.WriteLine($"wrote {files.Write("--json", jsonPath, t => File.WriteAllText(t, StudyReport.Json(studyName, settings.Space, settings.Dataset, settings.Sampler, settings.Cost, all, front, settings.Provenance, settings.Target, settings.MaxFlash, settings.MaxRam)))}");
        if (plotPath is not null)
            output.WriteLine($"wrote {files.Write("--plot", plotPath, t => FrontPlot.Draw(t, $"{studyName}: accuracy against {settings.Cost}", all, front, options))}");
        return files.FellBack ? ExitCodes.ResultElsewhere : ExitCodes.Success;
    }

    private static (TensorDataset Train, TensorDataset Validation) HoldOut(StudySettings settings, TensorDataset train)
    {
        try
        {
            return Training.holdOut(settings.ValidationSplit, settings.Seed, train).ToValueTuple();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--validation-split {settings.ValidationSplit.ToString(CultureInfo.InvariantCulture)}: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static string TargetText(DeviceTarget? device, long? flash, long? ram) => device is null ? "" : string.Create(CultureInfo.InvariantCulture,
        $" on {device.Name}{(flash is { } f ? $", at most {f:N0} B of flash" : "")}{(ram is { } r ? $", {r:N0} B of RAM" : "")}");

    /// <summary>The device target and its limits: a part's own memory unless a smaller limit is
    /// given; the device costs and limits need a target.</summary>
    internal static (DeviceTarget? Target, long? MaxFlash, long? MaxRam) DeviceLimits(string name, CostModel cost, int? maxFlash, int? maxRam)
    {
        var device = DeviceTarget.Named(name);
        if (device is null)
        {
            if (CostModels.OnDevice(cost))
                throw new UsageException($"--cost {cost.ToString().ToLowerInvariant()}: the device costs need --target (cortex-m4 or ch32v003)");
            if (maxFlash is not null || maxRam is not null)
                throw new UsageException($"{(maxFlash is not null ? "--max-flash" : "--max-ram")}: a memory limit needs --target (cortex-m4 or ch32v003)");
            return (null, null, null);
        }
        return (device, Limit("--max-flash", "flash", maxFlash, device.FlashBytes, device), Limit("--max-ram", "RAM", maxRam, device.RamBytes, device));

        static long? Limit(string flag, string memory, int? given, long? part, DeviceTarget device)
        {
            if (given is { } g && part is { } p && g > p)
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{flag} {g}: {device.Description} has {p:N0} bytes of {memory}; give at most {p}"));
            return given ?? part;
        }
    }

    /// <summary>How a study's candidates train: its record's training settings, or, for a study
    /// started before records, the core's defaults with its stored epochs, batch, rate and decay.</summary>
    internal static TrainConfig StoredTraining(StudySettings settings, string storage) =>
        ReadProvenance(settings, storage)?.Training
        ?? EvaluationSettings.DefaultTraining(settings.Epochs, settings.BatchSize, settings.LearningRate, settings.WeightDecay, settings.Seed);

    /// <summary>The study's record, or null for a study started before records; a record that does
    /// not read is a data error naming the store.</summary>
    internal static Provenance? ReadProvenance(StudySettings settings, string storage)
    {
        if (settings.Provenance is null)
            return null;
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(settings.Provenance);
            return ProvenanceJson.Read(document.RootElement, "$.provenance");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new DataException($"--storage {storage}: study {settings.Name} has an unreadable training record: {e.Message}");
        }
    }

    private static (string Name, SearchSpace Space) ReadSpace(string nameOrFile)
    {
        try
        {
            if (!nameOrFile.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && !File.Exists(nameOrFile))
                return (nameOrFile, SearchSpace.Builtin(nameOrFile));
            string text;
            try
            {
                text = InputFile.ReadAllText("--space", nameOrFile, ModelCatalog.MaxSpecBytes);
            }
            catch (DataException e)
            {
                throw new UsageException(e.Message);
            }
            return (Path.GetFileNameWithoutExtension(nameOrFile), SearchSpace.Parse(text));
        }
        catch (SearchSpaceException e)
        {
            throw new UsageException($"--space {nameOrFile}: {e.Message}");
        }
    }

    /// <summary>The data as the space's networks take it: an MLP space flattens images.</summary>
    private static (TensorDataset Train, TensorDataset Test, InputShape Input) Fit(SearchSpace space, LoadedData loaded)
    {
        var sample = loaded.SampleShape;
        if (space.Kind == "cnn")
        {
            if (sample.Length != 3)
                throw new UsageException($"--space: a cnn space needs image data; data set {loaded.Name} has samples of {string.Join("×", sample)}");
            return (loaded.Train, loaded.Test, new InputShape(sample));
        }
        var features = sample.Aggregate(1, (p, n) => p * n);
        TensorDataset Flat(TensorDataset d) => sample.Length == 1 ? d : new TensorDataset(d.Features.reshape(d.Count, features), d.Labels);
        return (Flat(loaded.Train), Flat(loaded.Test), new InputShape(new[] { features }));
    }

    /// <summary>A SQLite study file, as the input that outputs must not overwrite (null for PostgreSQL).</summary>
    internal static string? StorageFile(string storage) => PostgresConnectionString.IsUri(storage) ? null : storage;

    /// <summary>The store, for reading a study that must exist: a SQLite file is checked as any
    /// input (a regular file this user may read), never created.</summary>
    internal static IStudyStore OpenExisting(string storage)
    {
        if (StorageFile(storage) is { } file)
            InputFile.Check("--storage", file, long.MaxValue);
        return OpenStore(storage);
    }

    internal static IStudyStore OpenStore(string storage)
    {
        if (StorageFile(storage) is { } file && UnixFileType.Of(Path.GetFullPath(file)) is not (UnixFileType.Kind.Regular or UnixFileType.Kind.Missing or UnixFileType.Kind.Unknown))
            throw new UsageException($"--storage {storage}: {InputFile.Describe(UnixFileType.Of(Path.GetFullPath(file)))}, not a study file; give a FILE.db or a postgresql:// URI");
        try
        {
            return StudyStores.Open(storage);
        }
        catch (Exception e) when (e is StudyStoreException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--storage {storage}: {e.Message}");
        }
    }

    private static StudySettings Open(IStudyStore store, StudySettings wanted)
    {
        try
        {
            return store.Open(wanted);
        }
        catch (StudyMismatchException e)
        {
            throw new UsageException($"--study {wanted.Name}: {e.Message}; give another --study to start a new one");
        }
        catch (StudyStoreException e)
        {
            // Before any training: a store that cannot take the study (read-only, full, gone) is an unwritable output.
            throw new UsageException($"--storage: cannot record the study: {e.Message}");
        }
    }
}
