namespace Qnn.Host.Data;

/// <summary>A data set ready for training: tensors, class names, and where its files were found.</summary>
public sealed record LoadedData(
    string Name,
    TensorDataset Train,
    TensorDataset Test,
    IReadOnlyList<string> ClassNames,
    int[] SampleShape,
    string Source)
{
    public int Classes => ClassNames.Count;
}
