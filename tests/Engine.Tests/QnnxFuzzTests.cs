using System.Buffers.Binary;
using System.Diagnostics;
using Xunit;
using static Qnn.Engine.Tests.QnnxBytes;
using Qnn.Engine.Format;

namespace Qnn.Engine.Tests;

/// <summary>
/// Mutations of real .qnnx files: every outcome is a clean load (that then predicts) or a
/// <see cref="QnnxFormatException"/>, never another exception, a hang or a large allocation;
/// and every changed byte after the header is caught by the checksum unless it is resealed.
/// </summary>
public class QnnxFuzzTests
{
    /// <summary>Most bytes one read (and one prediction of a file that loads) may allocate.</summary>
    private const long AllocationBound = 64L << 20;

    [Fact]
    public void Every_flipped_bit_anywhere_is_refused_and_after_the_header_by_the_checksum()
    {
        foreach (var (name, model) in QnnxTestModels.All())
        {
            var bytes = Of(model);
            for (var p = 0; p < bytes.Length; p++)
            {
                for (var bit = 0; bit < 8; bit++)
                {
                    bytes[p] ^= (byte)(1 << bit);
                    var message = Assert.Throws<QnnxFormatException>(() => Read(bytes)).Message;
                    if (p >= 8)
                        Assert.True(message.StartsWith("checksum mismatch", StringComparison.Ordinal), $"{name}: bit {bit} of byte {p}: {message}");
                    bytes[p] ^= (byte)(1 << bit);
                }
            }
            Assert.Equal(Of(model), bytes);
        }
    }

    [Fact]
    public void Mutated_files_load_cleanly_or_raise_a_format_exception()
    {
        var random = new Random(20_261_126);
        var clock = Stopwatch.StartNew();
        var (loaded, refused, cases) = (0, 0, 0);
        var models = QnnxTestModels.All().ToArray();
        // A fixed number of cases from a fixed seed; the clock only stops a far slower machine early.
        for (var round = 0; round < 1500 && clock.Elapsed < TimeSpan.FromSeconds(12); round++)
        {
            foreach (var (name, model) in models)
            {
                var original = Of(model);
                var (content, what) = Mutate(random, original[..^4]);
                if (content.AsSpan().SequenceEqual(original.AsSpan(0, original.Length - 4)))
                    continue;
                cases++;
                // As damage: the recorded checksum no longer matches.
                var damaged = content.Concat(original[^4..]).ToArray();
                Assert.True(Outcome(damaged, $"{name}, damaged by {what}") == false, $"{name}: {what} without a new checksum loaded");
                // As a forgery: the checksum recomputed, so only the checks of meaning stand.
                if (Outcome(content.Concat(BitConverter.GetBytes(Crc(content))).ToArray(), $"{name}, forged by {what}"))
                    loaded++;
                else
                    refused++;
            }
        }
        Assert.True(cases > 1000, $"only {cases} cases ran in {clock.Elapsed}");
        Assert.True(loaded > 0 && refused > 0, $"{loaded} forged files loaded and {refused} were refused: the mutations should find both");
    }

    /// <summary>True for a clean load (which then predicts), false for a format refusal; any other
    /// exception or a large allocation fails the test, naming the case.</summary>
    private static bool Outcome(byte[] file, string what)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            var model = Read(file);
            var workspace = model.CreateWorkspace();
            var samples = new float[3 * model.Input.Size];
            new Random(file.Length).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()));
            for (var i = 0; i < samples.Length; i++) samples[i] = float.IsFinite(samples[i]) ? samples[i] % 4 : 0;
            model.Logits(samples.AsSpan(0, model.Input.Size), workspace);
            model.Predict(samples, new int[3], workspace);
            return true;
        }
        catch (QnnxFormatException)
        {
            return false;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name}: {e.Message}");
            throw;
        }
        finally
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < AllocationBound, $"{what}: {allocated} bytes allocated for a {file.Length}-byte file");
        }
    }

    private static readonly int[] Inflated = { int.MaxValue, -1, int.MinValue, 0, 1 << 24, (1 << 24) + 1, 1 << 29, 65_537, 1 << 30, 1025, 65 };

    /// <summary>One random mutation of a file's content (everything before its checksum).</summary>
    private static (byte[] Content, string What) Mutate(Random random, byte[] content)
    {
        var bytes = (byte[])content.Clone();
        var at = random.Next(8, bytes.Length);
        switch (random.Next(7))
        {
            case 0:
                var flips = random.Next(1, 5);
                for (var i = 0; i < flips; i++)
                {
                    var p = random.Next(8, bytes.Length);
                    bytes[p] ^= (byte)(1 << random.Next(8));
                }
                return (bytes, $"{flips} bit flips");
            case 1:
                bytes[at] = (byte)(random.Next(4) switch { 0 => 0, 1 => 0xFF, 2 => 0x80, _ => random.Next(256) });
                return (bytes, $"byte {at} set to {bytes[at]}");
            case 2:
                return (bytes[..at], $"truncation to {at} bytes");
            case 3:
            {
                // An i32 at a random offset (counts, sizes, geometry are all i32) inflated or edged.
                at = random.Next(8, bytes.Length - 4);
                var old = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
                var value = random.Next(3) switch
                {
                    0 => Inflated[random.Next(Inflated.Length)],
                    1 => unchecked(old * 2),
                    _ => old + random.Next(-2, 3),
                };
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), value);
                return (bytes, $"i32 at {at} from {old} to {value}");
            }
            case 4:
            {
                var garbage = new byte[random.Next(1, 65)];
                random.NextBytes(garbage);
                return (bytes.Concat(garbage).ToArray(), $"{garbage.Length} bytes appended");
            }
            case 5:
            {
                var length = random.Next(1, Math.Min(16, bytes.Length - at) + 1);
                return (bytes[..at].Concat(bytes[(at + length)..]).ToArray(), $"{length} bytes removed at {at}");
            }
            default:
            {
                var inserted = new byte[random.Next(1, 9)];
                random.NextBytes(inserted);
                return (bytes[..at].Concat(inserted).Concat(bytes[at..]).ToArray(), $"{inserted.Length} bytes inserted at {at}");
            }
        }
    }
}
