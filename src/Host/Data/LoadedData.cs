namespace Qnn.Host.Data;

/// <summary>A data set ready for training: tensors, class names, where its files were found
/// (a folder, a file, or "embedded"), and the split of a table (null for image data sets).</summary>
public sealed record LoadedData(
    string Name,
    TensorDataset Train,
    TensorDataset Test,
    IReadOnlyList<string> ClassNames,
    int[] SampleShape,
    string Source,
    TableSplit? Split = null)
{
    public int Classes => ClassNames.Count;
}
