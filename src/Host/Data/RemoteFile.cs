namespace Qnn.Host.Data;

/// <summary>
/// Where a data file comes from: its official URL and the SHA-256 of the file as stored. For a file
/// inside a zip archive (UCI's vertebral data), <see cref="ZipEntry"/> names it and the checksum is
/// that of the extracted file.
/// </summary>
public sealed record RemoteFile(string Name, string Url, string Sha256, string? ZipEntry = null);
