namespace Qnn.Engine;

/// <summary>
/// A fully connected layer with binary weights. On ±1 inputs it packs the input once and takes
/// each output's dot product by XNOR–popcount (z = n - 2·popcount(x XOR w)). On integer input
/// codes of one width it splits the codes into bit-planes and counts per plane:
/// Σ ±c_i = Σ_b 2^b (2·popcount(plane_b AND w) - popcount(plane_b)); codes of different widths
/// accumulate Σ ±code·multiplier in integers (the multipliers bring them to one denominator).
/// Then its <see cref="LayerOutput"/>: folded thresholds or logits.
/// </summary>
public sealed class DenseLayer : EngineLayer
{
    private readonly ulong[] packedWeights;
    private readonly int[]? codeMultipliers;
    private readonly int words;
    private readonly int planes;
    private readonly sbyte[]? byteWeights;
    private readonly int byteStride;

    /// <param name="name">The layer's name (fc1…).</param>
    /// <param name="inputs">Inputs per sample.</param>
    /// <param name="packedWeights">Outputs × ⌈inputs/64⌉ packed sign rows.</param>
    /// <param name="codeMultipliers">Null for ±1 inputs; for code inputs, one integer multiplier per input.</param>
    /// <param name="output">Thresholds or logits, one per output.</param>
    public DenseLayer(string name, int inputs, ulong[] packedWeights, int[]? codeMultipliers, LayerOutput output)
    {
        Name = name;
        InputSize = inputs;
        words = BitPacking.WordsFor(inputs);
        if (packedWeights.Length != words * output.Count)
            throw new ArgumentException($"{name}: {output.Count} outputs of {inputs} inputs need {words * output.Count} weight words, got {packedWeights.Length}");
        if (codeMultipliers is not null && codeMultipliers.Length != inputs)
            throw new ArgumentException($"{name}: {inputs} inputs need {inputs} code multipliers, got {codeMultipliers.Length}");
        this.packedWeights = packedWeights;
        this.codeMultipliers = codeMultipliers;
        Output = output;
        // One multiplier for every input: bit-planes apply (codes are below 2^24, so 24 planes at most).
        planes = codeMultipliers is { Length: > 0 } m && m.All(x => x == m[0]) ? 24 : 0;
        if (planes > 0)
        {
            // Codes of up to 8 bits take the u8×s8 path: the weight rows expanded to ±1 bytes once.
            byteStride = (inputs + 63) / 64 * 64;
            byteWeights = new sbyte[byteStride * output.Count];
            for (var j = 0; j < output.Count; j++)
                for (var i = 0; i < inputs; i++)
                    byteWeights[j * byteStride + i] = (sbyte)(((packedWeights[j * words + (i >> 6)] >> (i & 63)) & 1) == 1 ? 1 : -1);
        }
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override int InputSize { get; }

    /// <inheritdoc />
    public override int OutputSize => Output.Count;

    /// <summary>What happens to each pre-activation.</summary>
    public LayerOutput Output { get; }

    /// <summary>The packed weight rows.</summary>
    public ReadOnlySpan<ulong> PackedWeights => packedWeights;

    /// <summary>Null for ±1 inputs, else one multiplier per input code.</summary>
    public int[]? CodeMultipliers => codeMultipliers;

    /// <inheritdoc />
    public override long ParameterBytes => packedWeights.Length * 8L + (Output.Thresholds is null ? 8L * OutputSize : 5L * OutputSize) + 4L * (codeMultipliers?.Length ?? 0);

    /// <inheritdoc />
    public override long BinaryOperations => codeMultipliers is null ? (long)InputSize * OutputSize : 0;

    /// <inheritdoc />
    public override long OtherOperations => codeMultipliers is null ? 0 : (long)InputSize * OutputSize;

    /// <inheritdoc />
    public override int ScratchWords => words * (1 + planes) + (OutputSize + 1) / 2 + byteStride / 8;

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch)
    {
        var counts = System.Runtime.InteropServices.MemoryMarshal.Cast<ulong, int>(scratch.Slice(words * (1 + planes), (OutputSize + 1) / 2)).Slice(0, OutputSize);
        if (codeMultipliers is null)
        {
            var packed = scratch.Slice(0, words);
            BitPacking.PackSigns(input.Slice(0, InputSize), packed);
            RowKernels.XorPopCountRows(packed, packedWeights, counts, PopCountKernel.Best);
            for (var j = 0; j < OutputSize; j++)
                output[j] = Output.Apply(j, InputSize - 2 * counts[j]);
            return;
        }
        if (planes > 0 && TryBytes(input, scratch.Slice(scratch.Length - byteStride / 8)))
        {
            var codes = System.Runtime.InteropServices.MemoryMarshal.Cast<ulong, byte>(scratch.Slice(scratch.Length - byteStride / 8));
            RowKernels.ByteDotRows(codes, byteWeights, byteStride, counts);
            for (var j = 0; j < OutputSize; j++)
                output[j] = Output.Apply(j, (long)counts[j] * codeMultipliers[0]);
            return;
        }
        if (planes > 0)
        {
            ForwardPlanes(input, output, scratch);
            return;
        }
        for (var j = 0; j < OutputSize; j++)
        {
            var row = packedWeights.AsSpan(j * words, words);
            long z = 0;
            for (var i = 0; i < InputSize; i++)
            {
                var term = (long)input[i] * codeMultipliers[i];
                z += ((row[i >> 6] >> (i & 63)) & 1) == 1 ? term : -term;
            }
            output[j] = Output.Apply(j, z);
        }
    }

    /// <inheritdoc />
    public override int BlockScratchWords(int count) => ScratchWords + count * byteStride / 8 + (count + 1) / 2;

    /// <inheritdoc />
    public override void ForwardBlock(ReadOnlySpan<float> inputs, Span<float> outputs, int count, Span<ulong> scratch)
    {
        // Input codes of up to 8 bits: each expanded weight row (too large to stay in cache from
        // one sample to the next) is read once for the whole block.
        var bytes = scratch.Slice(ScratchWords, count * byteStride / 8);
        var usable = byteWeights is not null && count <= 8;
        for (var s = 0; s < count && usable; s++)
            usable = TryBytes(inputs.Slice(s * InputSize, InputSize), bytes.Slice(s * byteStride / 8, byteStride / 8));
        if (!usable)
        {
            base.ForwardBlock(inputs, outputs, count, scratch);
            return;
        }
        var dots = System.Runtime.InteropServices.MemoryMarshal.Cast<ulong, int>(scratch.Slice(ScratchWords + count * byteStride / 8)).Slice(0, count);
        var codes = System.Runtime.InteropServices.MemoryMarshal.Cast<ulong, byte>(bytes);
        for (var j = 0; j < OutputSize; j++)
        {
            RowKernels.ByteDotBlock(codes, count, byteWeights.AsSpan(j * byteStride, byteStride), dots);
            for (var s = 0; s < count; s++)
                outputs[s * OutputSize + j] = Output.Apply(j, (long)dots[s] * codeMultipliers![0]);
        }
    }

    /// <summary>Copies codes into bytes (zero-padded); false when a code exceeds 255.</summary>
    private bool TryBytes(ReadOnlySpan<float> input, Span<ulong> scratch)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.Cast<ulong, byte>(scratch);
        bytes.Clear();
        for (var i = 0; i < InputSize; i++)
        {
            var code = input[i];
            if (code > 255)
                return false;
            bytes[i] = (byte)code;
        }
        return true;
    }

    /// <summary>Integer codes of one width by bit-planes: each plane is a packed vector.</summary>
    private void ForwardPlanes(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch)
    {
        var planeWords = scratch.Slice(0, words * planes);
        planeWords.Clear();
        var used = 0;
        for (var i = 0; i < InputSize; i++)
        {
            var code = (uint)input[i];
            while (code != 0)
            {
                var b = System.Numerics.BitOperations.TrailingZeroCount(code);
                planeWords[b * words + (i >> 6)] |= 1UL << (i & 63);
                used = Math.Max(used, b + 1);
                code &= code - 1;
            }
        }
        Span<int> planeCounts = stackalloc int[24];
        for (var b = 0; b < used; b++)
        {
            var count = 0;
            foreach (var word in planeWords.Slice(b * words, words)) count += System.Numerics.BitOperations.PopCount(word);
            planeCounts[b] = count;
        }
        long multiplier = codeMultipliers![0];
        for (var j = 0; j < OutputSize; j++)
        {
            var row = packedWeights.AsSpan(j * words, words);
            long z = 0;
            for (var b = 0; b < used; b++)
                z += (2L * PopCountKernel.AndPopCount(planeWords.Slice(b * words, words), row) - planeCounts[b]) << b;
            output[j] = Output.Apply(j, z * multiplier);
        }
    }
}
