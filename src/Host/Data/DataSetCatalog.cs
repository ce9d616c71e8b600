namespace Qnn.Host.Data;

/// <summary>A named data set: its folder, its files and their official sources.</summary>
public sealed record DataSetInfo(string Name, string Folder, string Description, IReadOnlyList<RemoteFile> Files);

/// <summary>The data sets qnn knows by name (the design's data rules), plus <c>csv:PATH</c>.</summary>
public static class DataSetCatalog
{
    private const string MnistMirror = "https://ossci-datasets.s3.amazonaws.com/mnist/";
    private const string FashionMirror = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    private static readonly RemoteFile[] MnistFiles =
    {
        new("train-images-idx3-ubyte.gz", MnistMirror + "train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        new("train-labels-idx1-ubyte.gz", MnistMirror + "train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
        new("t10k-images-idx3-ubyte.gz", MnistMirror + "t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
        new("t10k-labels-idx1-ubyte.gz", MnistMirror + "t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
    };

    private static readonly RemoteFile[] FashionFiles =
    {
        new("train-images-idx3-ubyte.gz", FashionMirror + "train-images-idx3-ubyte.gz", "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc"),
        new("train-labels-idx1-ubyte.gz", FashionMirror + "train-labels-idx1-ubyte.gz", "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc"),
        new("t10k-images-idx3-ubyte.gz", FashionMirror + "t10k-images-idx3-ubyte.gz", "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229"),
        new("t10k-labels-idx1-ubyte.gz", FashionMirror + "t10k-labels-idx1-ubyte.gz", "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf"),
    };

    public static readonly IReadOnlyList<DataSetInfo> All = new DataSetInfo[]
    {
        new("vertebral", "vertebral", "UCI Vertebral Column (id 212), 310 rows, 6 features, classes DH/NO/SL; 80/20 split",
            new[] { new RemoteFile("column_3C.dat", "https://archive.ics.uci.edu/static/public/212/vertebral+column.zip",
                "fb5fc4ae49d9f2586158f3368058309364ec3153954cd2ff01fb15d739fe552f", ZipEntry: "column_3C.dat") }),
        new("mnist", "mnist", "MNIST digits, 28×28, 10 classes", MnistFiles),
        new("mini-mnist", "mnist", "the first 4,000 training and 800 test images of mnist", MnistFiles),
        new("fashion-mnist", "fashion-mnist", "Fashion-MNIST articles, 28×28, 10 classes", FashionFiles),
        new("mini-fashion-mnist", "fashion-mnist", "the first 4,000 training and 800 test images of fashion-mnist", FashionFiles),
    };

    public static DataSetInfo? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    public static string Names => string.Join(", ", All.Select(d => d.Name)) + ", csv:PATH";
}
