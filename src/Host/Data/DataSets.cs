using System.IO.Compression;
using TorchSharp;

namespace Qnn.Host.Data;

/// <summary>Loads a data set by name: finds its files (downloading them into the user cache unless
/// offline), reads them and splits them into training and test tensors.</summary>
/// <param name="notes">Where a fallback to the embedded vertebral table is announced (standard error).</param>
public sealed class DataSets(DataOptions options, DataLocator locator, Func<Downloader> downloader, TextWriter? notes = null)
{
    private const int MiniTrain = 4000;
    private const int MiniTest = 800;

    public LoadedData Load(string name)
    {
        if (name.StartsWith("csv:", StringComparison.OrdinalIgnoreCase))
            return Csv(name, name.Substring(4));
        var info = DataSetCatalog.Find(name)
            ?? throw new Cli.UsageException($"unknown data set '{name}'; known: {DataSetCatalog.Names}");
        if (info.Name == "vertebral")
            return Vertebral(info);
        var folder = Locate(info);
        return info.Name is "mini-mnist" or "mini-fashion-mnist"
            ? Images(info, folder, MiniTrain, MiniTest)
            : Images(info, folder, int.MaxValue, int.MaxValue);
    }

    /// <summary>The folder holding every file of the set; downloads the missing ones unless offline.</summary>
    public string Locate(DataSetInfo info)
    {
        var found = locator.Find(info, out var looked);
        if (found is not null)
            return found;
        if (options.Offline)
            throw new DataException($"data set '{info.Name}' not found, and --offline forbids downloading it. Looked in:\n  {string.Join("\n  ", looked)}{RepositoryHint(info)}");
        var folder = Path.Combine(locator.CacheRoot, info.Folder);
        var get = downloader();
        foreach (var file in info.Files.Where(f => !File.Exists(Path.Combine(folder, f.Name))))
        {
            try
            {
                get.Download(file, Path.Combine(folder, file.Name));
            }
            catch (DataException e)
            {
                throw new DataException(e.Message + RepositoryHint(info), e);
            }
        }
        return folder;
    }

    /// <summary>Where a clone of the repository has a smaller copy (data/README.md).</summary>
    private static string RepositoryHint(DataSetInfo info) =>
        info.Folder == "mnist"
            ? "\n  (a clone of Qnn has a 10,000-digit MNIST subset in its data/ folder: --data-dir data)"
            : "";

    /// <summary>The vertebral table from a folder or, when no folder has it, the copy built into the
    /// program, which is the same file (its SHA-256 is checked at build time): never a download.
    /// Standard error says so when the copy is used.</summary>
    private LoadedData Vertebral(DataSetInfo info)
    {
        var folder = locator.Find(info, out _);
        if (folder is null)
        {
            var places = string.Join(", ", locator.Roots.Select(r => $"{r.Origin} {r.Root}"));
            notes?.WriteLine($"qnn: data set 'vertebral' is in none of the data folders ({places}); using the copy built into qnn ({EmbeddedVertebral.Description})");
            var (rows, classes) = VertebralReader.Parse(EmbeddedVertebral.Lines(), EmbeddedVertebral.Source);
            return Split(info.Name, rows, classes, VertebralReader.Features, VertebralReader.ClassNames, EmbeddedVertebral.Source);
        }
        var path = Path.Combine(folder, "column_3C.dat");
        var (features, labels) = VertebralReader.Read(path);
        return Split(info.Name, features, labels, VertebralReader.Features, VertebralReader.ClassNames, path);
    }

    private LoadedData Csv(string name, string path)
    {
        if (path.Length == 0)
            throw new DataException($"--dataset {name}: no file after csv:; give csv:PATH");
        var table = CsvReader.Read("--dataset", path, options.LabelColumn);
        return Split(name, table.Features, table.Labels, table.FeatureCount, table.ClassNames, path);
    }

    /// <summary>An 80/20 split of a table, seeded like scikit-learn's train_test_split.</summary>
    private LoadedData Split(string name, float[] features, long[] labels, int featureCount, IReadOnlyList<string> classes, string source)
    {
        if (labels.Length < 5)
            throw new DataException($"{source}: {labels.Length} rows are too few to split into training and test sets");
        var (trainRows, testRows) = TrainTestSplit.Indices(labels.Length, options.TestFraction, options.SplitSeed);
        TensorDataset Take(int[] rows) => new(
            torch.tensor(rows.SelectMany(r => features.AsSpan(r * featureCount, featureCount).ToArray()).ToArray()).reshape(rows.Length, featureCount),
            torch.tensor(rows.Select(r => labels[r]).ToArray()));
        return new LoadedData(name, Take(trainRows), Take(testRows), classes, new[] { featureCount }, source,
            new TableSplit(options.SplitSeed, options.TestFraction, name.StartsWith("csv:", StringComparison.OrdinalIgnoreCase) ? options.LabelColumn : null));
    }

    private static LoadedData Images(DataSetInfo info, string folder, int trainLimit, int testLimit)
    {
        var (train, rows, columns) = ReadIdxPair(folder, "train", trainLimit);
        var (test, testRows, testColumns) = ReadIdxPair(folder, "t10k", testLimit);
        if ((testRows, testColumns) != (rows, columns))
            throw new DataException($"{Path.Combine(folder, "t10k-images-idx3-ubyte.gz")}: images of {testRows}×{testColumns}, but the training images ({Path.Combine(folder, "train-images-idx3-ubyte.gz")}) are {rows}×{columns}; a data set's test images must have its training images' size");
        var classes = Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new LoadedData(info.Name, train, test, classes, new[] { 1, rows, columns }, folder);
    }

    private static (TensorDataset Data, int Rows, int Columns) ReadIdxPair(string folder, string prefix, int limit)
    {
        var imagePath = Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz");
        var labelPath = Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz");
        var images = IdxReader.ReadImages(imagePath);
        var labels = IdxReader.ReadLabels(labelPath);
        if (images.Count != labels.Length)
            throw new DataException($"{imagePath} has {images.Count:N0} images but {labelPath} has {labels.Length:N0} labels");
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] > 9)
                throw new DataException($"{labelPath}: label {i} is {labels[i]}; digit and article classes are 0..9");
        }
        var count = Math.Min(limit, images.Count);
        var pixels = images.Pixels.AsSpan(0, count * images.Rows * images.Columns).ToArray();
        var x = torch.tensor(pixels).to_type(torch.ScalarType.Float32).reshape(count, 1, images.Rows, images.Columns);
        var y = torch.tensor(labels.AsSpan(0, count).ToArray().Select(b => (long)b).ToArray());
        return (new TensorDataset(x, y), images.Rows, images.Columns);
    }

    /// <summary>The sample counts an IDX pair's headers announce, read without decompressing the whole file.</summary>
    public static int IdxCount(string path)
    {
        Persistence.InputFile.Check("--data-dir", path, long.MaxValue);
        using var file = File.OpenRead(path);
        Stream stream = file;
        var magic = new byte[2];
        if (file.Read(magic, 0, 2) == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            file.Position = 0;
            stream = new GZipStream(file, CompressionMode.Decompress);
        }
        else
        {
            file.Position = 0;
        }
        var header = new byte[8];
        stream.ReadExactly(header);
        return (header[4] << 24) | (header[5] << 16) | (header[6] << 8) | header[7];
    }
}
