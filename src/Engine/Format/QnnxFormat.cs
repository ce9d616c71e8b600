using System.IO.Hashing;

namespace Qnn.Engine.Format;

/// <summary>
/// The .qnnx file format, version 6, little-endian throughout (docs/formats.md has every field):
/// <code>
/// "QNNX"  u16 version = 6  u16 reserved = 0
/// name: u16 length + UTF-8 (at most 256 UTF-16 characters)
/// input: u8 rank (1 or 3), i32 dims[rank], i32 ranges (1 or the sample size), f32 low[ranges], f32 high[ranges], u8 bits[ranges]
/// u32 layer count, then per layer: u8 kind (LayerKind), name, and
///   binary dense (1): i32 inputs, u8 code inputs, [i32 multipliers[inputs]], output, i32 words, u64 packed weights[words]
///   conv (2):         i32 channels, height, width, out channels, kernel, stride, padding, dilation, groups,
///                     u8 code inputs, output, i32 words, u64 packed weights[words]
///   max-pool (3):     i32 channels, height, width, pool
///   float dense (4):  i32 inputs, i32 outputs, u8 signs, f32 weights[outputs·inputs], f32 alpha[outputs], f32 beta[outputs]
///   integer dense (5): i32 inputs, u8 code inputs, [i32 multipliers[inputs]], output, u8 coding, u8 bits, then
///                     coding 1 (ternary): i32 words, u64 nonzero plane[words], i32 words, u64 positive plane[words]
///                     coding 2 (n-bit):   i32 count, i8 weights[count] (row by row)
///                     coding 3 (n-bit, version 5): i32 count, the integers packed to their width
///   general dense (6): i32 inputs, i32 outputs, u8 sums (0 integer, 1 real), u8 flag,
///                     [i32 multipliers[inputs] (integer) | f32 divisors[inputs] (real)], output, weights
///   general conv (7): the nine conv fields, u8 sums, f32 divisor, output, weights
///   value max-pool (8): i32 channels, height, width, pool
///   weights:          u8 bits; 0: f32[count]; 1..31: q + top packed in bits (bits + 1 above 24) each
///   output:           u8 1 = thresholds: i32 count, (i32 threshold, u8 direction)[count]
///                     u8 2 = logits: i32 count, f32 scale, f32 alpha[count], f32 beta[count]
///                     u8 3 = levels: i32 count, u8 steps, f32 values[steps + 1], (i32, u8)[count·steps]
///                     u8 4 = activated: i32 count, f32 scale, u8 activation, f32 parameter, f32 alpha, beta
///                     u8 5 = requantized (version 6): i32 count, u8 top, f32 values[top + 1],
///                            (i32 base, u8 falling, u32 multiplier, u64 offset, u8 shift)[count]
/// class names:       u32 count (0 = unknown, else the model's classes), then per class a name
///                    (u16 length + UTF-8, at most 256 UTF-16 characters; all names at most 2^20 bytes)
/// "END!"
/// u32 checksum: CRC-32C (Castagnoli) of every byte before it, from "QNNX" to "END!" inclusive
/// </code>
/// Weights are sign bits packed 64 to a u64, row by row (bit i of word i/64 is +1). Nothing
/// follows the checksum. Version 5 is version 6 without output kind 5. Version 4 is version 5 without kinds 6 to 8, output kinds 3 and 4,
/// weight coding 3 and input widths above 24. Version 3 is version 4 without the class names; version 2 is
/// version 3 without the checksum (the file ends at "END!"); version 1 is version 2 without
/// integer dense layers. All six are read.
/// <para>
/// The reader checks the checksum before it parses anything, then what every number means before
/// it allocates for it (<see cref="QnnxLimits"/> names each limit): at most 65,536 layers; names
/// of at most 256 characters; every shape's product, each layer's output and a convolution's
/// zero-padded input at most 2^24 values, and all of a model's activations at most 2^25; at most
/// 2^29 weights a layer; kernels 1..64, strides, dilations and pools 1..1024, padding 0..1024,
/// groups dividing both channel counts, and a kernel's reach within the padded input (so every
/// output size is positive); input ranges finite with low &lt;= high; bit widths 1..24; code
/// inputs only on the first layer, code multipliers at least 1, and each layer's largest integer
/// sum (Σ largest input × multiplier × largest |weight|) within int32; thresholds within ±2^30;
/// floats finite, logit scales positive; class names 0 or one per class, valid UTF-8; each layer's input size equal to what the previous stage
/// gives; nothing after the end marker. Every violation is a <see cref="QnnxFormatException"/>
/// naming the layer and the field.
/// </para>
/// </summary>
public static class QnnxFormat
{
    internal static readonly byte[] Magic = "QNNX"u8.ToArray();
    internal static readonly byte[] End = "END!"u8.ToArray();

    /// <summary>The version this engine writes (and the newest it reads).</summary>
    public const ushort Version = 6;

    /// <summary>Writes a model. A model whose file could not be read back (a name past
    /// <see cref="QnnxLimits.MaxNameChars"/>, a shape past a limit) is refused with an
    /// <see cref="ArgumentException"/> before anything is written.</summary>
    public static void Write(EngineModel model, Stream stream)
    {
        var bytes = QnnxWriter.Bytes(model);
        try
        {
            QnnxReader.Read(bytes);
        }
        catch (QnnxFormatException e)
        {
            throw new ArgumentException($"{model.Name} cannot be saved as .qnnx (it would not read back): {e.Message}", nameof(model), e);
        }
        stream.Write(bytes);
    }

    /// <summary>Reads a model from the stream's position to its end; a broken file raises
    /// <see cref="QnnxFormatException"/> naming the problem.</summary>
    public static EngineModel Read(Stream stream) => QnnxReader.Read(ReadAll(stream));

    /// <summary>The CRC-32C of <paramref name="content"/>, as the file stores it.</summary>
    internal static uint Checksum(ReadOnlySpan<byte> content) => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, content);

    /// <summary>The rest of the stream, refused past <see cref="QnnxLimits.MaxFileBytes"/> before it is read.</summary>
    private static byte[] ReadAll(Stream stream)
    {
        if (stream.CanSeek)
        {
            var length = stream.Length - stream.Position;
            if (length > QnnxLimits.MaxFileBytes)
                throw new QnnxFormatException($"the file has {length} bytes; a .qnnx file holds at most {QnnxLimits.MaxFileBytes}");
            var bytes = new byte[length];
            try
            {
                stream.ReadExactly(bytes);
            }
            catch (EndOfStreamException e)
            {
                throw new QnnxFormatException("the file is truncated", e);
            }
            return bytes;
        }
        using var copy = new MemoryStream();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (copy.Length + read > QnnxLimits.MaxFileBytes)
                throw new QnnxFormatException($"the file has more than {QnnxLimits.MaxFileBytes} bytes; a .qnnx file holds at most that");
            copy.Write(buffer, 0, read);
        }
        return copy.ToArray();
    }
}
