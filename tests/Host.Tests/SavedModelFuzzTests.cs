using System.Diagnostics;
using System.IO.Hashing;
using Qnn.Host.Data;
using Qnn.Host.Persistence;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>Seeded mutations of a real saved model: every outcome is a clean load or a
/// DataException (exit 3), never another exception, and every flipped bit is detected.</summary>
public class SavedModelFuzzTests
{
    private static byte[] SavedModelBytes()
    {
        var data = Cli.RequireData("vertebral/column_3C.dat");
        var path = Path.Combine(Directory.CreateTempSubdirectory("qnn-fuzz-").FullName, "model.qnn");
        Assert.Equal(0, Cli.Run(data, "train", "--epochs", "2", "--save", path).ExitCode);
        return File.ReadAllBytes(path);
    }

    /// <summary>Loads the bytes; returns null for a clean load, else the DataException's message.
    /// Any other exception fails the test.</summary>
    private static string? Outcome(byte[] bytes, string folder)
    {
        var path = Path.Combine(folder, "mutant.qnn");
        File.WriteAllBytes(path, bytes);
        try
        {
            var (network, _) = SavedModel.Load(path);
            network.Dispose();
            return null;
        }
        catch (DataException e)
        {
            return e.Message;
        }
    }

    private static byte[] WithChecksum(byte[] content)
    {
        var body = content[..^4];
        return body.Concat(BitConverter.GetBytes(Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, body))).ToArray();
    }

    [SkippableFact]
    public void Every_flipped_bit_after_the_header_is_caught_by_the_checksum()
    {
        var original = SavedModelBytes();
        var folder = Directory.CreateTempSubdirectory("qnn-fuzz-").FullName;
        var random = new Random(20261126);
        // Every byte once (a random bit of it), spread over the whole file.
        for (var at = 12; at < original.Length; at++)
        {
            var mutant = (byte[])original.Clone();
            mutant[at] ^= (byte)(1 << random.Next(8));
            var message = Outcome(mutant, folder);
            Assert.True(message is not null && message.Contains("checksum mismatch"), $"byte {at}: {message ?? "loaded"}");
        }
    }

    [SkippableFact]
    public void Random_damage_gives_a_clean_load_or_a_data_error()
    {
        var original = SavedModelBytes();
        var folder = Directory.CreateTempSubdirectory("qnn-fuzz-").FullName;
        var random = new Random(7);
        var clock = Stopwatch.StartNew();
        var (loaded, refused) = (0, 0);
        for (var round = 0; round < 1500 && clock.Elapsed < TimeSpan.FromSeconds(20); round++)
        {
            var mutant = Mutate(original, random);
            // Half the mutants get a valid checksum, so that the meaning checks behind it are hit.
            if (round % 2 == 1 && mutant.Length >= 16)
                mutant = WithChecksum(mutant);
            if (Outcome(mutant, folder) is null) loaded++; else refused++;
        }
        Assert.True(refused > 0 && loaded + refused >= 100, $"{loaded} loaded, {refused} refused");
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        switch (random.Next(5))
        {
            case 0:
                bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                break;
            case 2:
                bytes.RemoveRange(random.Next(bytes.Count), 1 + random.Next(Math.Min(64, bytes.Count / 2)));
                break;
            case 3:
                bytes.InsertRange(random.Next(bytes.Count), Enumerable.Range(0, 1 + random.Next(16)).Select(_ => (byte)random.Next(256)));
                break;
            default:
                // An inflated or negative count where a length or a size may stand.
                var at = random.Next(Math.Max(1, bytes.Count - 4));
                var value = random.Next(3) switch { 0 => int.MaxValue, 1 => -1, _ => random.Next() };
                var four = BitConverter.GetBytes(value);
                for (var i = 0; i < 4 && at + i < bytes.Count; i++) bytes[at + i] = four[i];
                break;
        }
        return bytes.ToArray();
    }
}
